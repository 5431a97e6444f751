import { handlerKind } from '../node-kind.ts';

export default handlerKind('onOpen', 1, 'Runs when a connection opens');
