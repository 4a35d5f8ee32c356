/**
 * What a received file is, by the extension the system will open it by (its
 * name is already cleaned, so no hidden character moves it), and a warning in
 * words when that type can run code. Both front ends show it: with the
 * transfer, and with the guest page's Save link.
 */
import { fileTypeOf } from '../shared/received-file-name';
import { t } from '../shared/wording';

/** `warningId` lets a button that acts on the file (Accept) name the warning as its description. */
export function ReceivedFileType({ name, warningId }: { name: string; warningId?: string }) {
  const { extension, runsCode } = fileTypeOf(name);
  return (
    <>
      <span class="file-type">{extension === null ? t('fileTypeNone') : t('fileType', extension)}</span>
      {runsCode && (
        <p class="runs-code" id={warningId} role="alert">
          {t('fileRunsCode')}
        </p>
      )}
    </>
  );
}
