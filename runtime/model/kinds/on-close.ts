import { handlerKind } from '../node-kind.ts';

export default handlerKind('onClose', 4, 'Runs when a connection closes (code, reason)');
