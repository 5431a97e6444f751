import { handlerKind } from '../node-kind.ts';

export default handlerKind('onError', 5, 'Runs on a socket error or a failing handler');
