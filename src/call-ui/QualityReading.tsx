/** The connection quality in words and bars, with the figures behind it one click away. */
import { Fragment } from 'preact';
import { describeDetails, describeQuality, type Quality } from '../shared/call-quality';
import { t } from '../shared/wording';

export function QualityReading({ quality }: { quality: Quality | null }) {
  if (!quality)
    return (
      <section class="quality" aria-label={t('connectionQuality')}>
        <p class="reading">{t('qualityMeasuring')}</p>
      </section>
    );
  return (
    <section class={`quality quality-${quality.level}`} aria-label={t('connectionQuality')}>
      <p class="reading" role="status">
        <span class="bars" aria-hidden="true"><span /><span /><span /></span>
        {describeQuality(quality.level)}
      </p>
      <details>
        <summary>{t('connectionDetails')}</summary>
        <dl>
          {describeDetails(quality.details).map(([label, value]) => (
            <Fragment key={label}>
              <dt>{label}</dt>
              <dd aria-label={label}>{value}</dd>
            </Fragment>
          ))}
        </dl>
      </details>
    </section>
  );
}
