// samples/chat-lowcode.wsflow.yaml (action nodes only) passes the chat sample's own checks.
import { chatChecks } from './chat.checks.ts';
import { lowcodeTwin, startWithCli } from './target.ts';

chatChecks(lowcodeTwin(startWithCli));
