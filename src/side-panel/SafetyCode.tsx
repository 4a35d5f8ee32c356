/** The six digits both people compare aloud; the hover text says why in one sentence. */
import { displaySafetyCode, SAFETY_CODE_EXPLANATION } from '../shared/safety-code';

export function SafetyCode({ code }: { code: string | null }) {
  return (
    <p class="safety" title={SAFETY_CODE_EXPLANATION}>
      <span class="hint">Safety code</span>
      <strong class="digits" aria-label="Safety code" aria-description={SAFETY_CODE_EXPLANATION}>
        {code ? displaySafetyCode(code) : '…'}
      </strong>
    </p>
  );
}
