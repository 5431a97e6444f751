import { handlerKind } from '../node-kind.ts';

export default handlerKind('onText', 2, 'Runs for every text message');
