/** Worker-thread entry of the "build units" job: runs the pure units stage off the event loop. */
import { runUnitsStage, type UnitsJobInput, type UnitsJobOutput } from './stage-output';
import { serveWorker } from '../workers/serve-worker';

void serveWorker<UnitsJobInput, UnitsJobOutput>((input, progress) => runUnitsStage(input, progress));
