/** How the extension's pages (popup, side panel) carry out the call's commands: to the worker, and picked files straight to the offscreen document. */
import type { CallCommands } from '../call-ui/commands';
import { offerFiles } from './offer-files';
import { sendCommand } from './use-background';

export const EXTENSION_COMMANDS: CallCommands = { send: sendCommand, offerFiles };
