import { choreoChatChecks } from './choreo-chat.checks.ts';
import { startWithCli } from './target.ts';

choreoChatChecks(startWithCli);
