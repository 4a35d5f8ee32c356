/**
 * What the popup shows until the worker's view arrives: the header and, from
 * the cache, the own code (the thing people most often open the popup for).
 * It imports nothing but Preact and the catalog's lookup, so it paints before
 * the rest of the popup has loaded.
 */
import { t } from '../shared/wording';

export function Starting({ code }: { code: string | null }) {
  return (
    <main class="loading" aria-busy="true">
      <header>
        <img src="/icons/icon-32.png" alt="" width={20} height={20} />
        <h1>PeerDial</h1>
      </header>
      <p role="status" class="status">
        {t('starting')}
      </p>
      {code && (
        <section class="own-code">
          <label for="own-code">{t('yourCode')}</label>
          <input id="own-code" class="code" readOnly value={code} />
        </section>
      )}
    </main>
  );
}
