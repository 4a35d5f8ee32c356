/** The six digits both people compare aloud; the hover text says why in one sentence. */
import { t } from '../shared/wording';
import { displaySafetyCode } from '../call/safety-code';

export function SafetyCode({ code }: { code: string | null }) {
  const explanation = t('safetyCodeExplanation');
  return (
    <p class="safety" title={explanation}>
      <span class="hint">{t('safetyCodeLabel')}</span>
      <strong class="digits" aria-label={t('safetyCodeLabel')} aria-description={explanation}>
        {code ? displaySafetyCode(code) : '…'}
      </strong>
    </p>
  );
}
