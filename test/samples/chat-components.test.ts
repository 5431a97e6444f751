// samples/chat-components.wsflow.yaml (action nodes and two component files) passes the chat sample's own checks.
import { chatChecks } from './chat.checks.ts';
import { componentsTwin, startWithCli } from './target.ts';

chatChecks(componentsTwin(startWithCli));
