// Worker-thread entry: prepareImport (decode, parse, check, convert, classify, heal) off the server's event loop.
import { serveWorker } from '../workers/serve-worker';
import { ImportError } from '../../common/gis-files/parse-errors';
import { prepareImportFile } from './import-file';
import type { PrepareInput, PrepareOutput } from './prepare-off-thread';

void serveWorker<PrepareInput, PrepareOutput>(async ({ bytes, fileName, opts }) => {
  try {
    return { ok: true, prep: await prepareImportFile(bytes, fileName, opts) };
  } catch (err) {
    if (err instanceof ImportError) return { ok: false, file: err.file, problem: err.problem, feature: err.feature };
    throw err;
  }
});
