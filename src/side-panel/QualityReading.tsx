/** The connection quality in words and bars, with the figures behind it one click away. */
import { Fragment } from 'preact';
import { describeDetails, describeQuality, type Quality } from '../shared/call-quality';

export function QualityReading({ quality }: { quality: Quality | null }) {
  if (!quality) return <section class="quality" aria-label="Connection quality"><p class="reading">Measuring the connection…</p></section>;
  return (
    <section class={`quality quality-${quality.level}`} aria-label="Connection quality">
      <p class="reading" role="status">
        <span class="bars" aria-hidden="true"><span /><span /><span /></span>
        {describeQuality(quality.level)}
      </p>
      <details>
        <summary>Connection details</summary>
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
