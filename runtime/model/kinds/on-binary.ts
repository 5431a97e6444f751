import { handlerKind } from '../node-kind.ts';

export default handlerKind('onBinary', 3, 'Runs for every binary message');
