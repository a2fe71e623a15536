// The entry point of dist/commands.js: the command implementations that
// activation only registers. Kept out of the main bundle so activation does
// not parse them; register.ts loads this bundle the first time one runs.
export { switchAccount } from './switchAccount';
export { createApiToken, revokeApiToken } from './apiTokens';
export { openDashboard } from './dashboard';
export { copySandboxLink, openDeepLink } from './deepLink';
export { writeEnvFile } from './dotenv';
export { copyWorkspaceId, selectWorkspace } from './workspaces';
export {
  copySandboxId, copySandboxUrl, createSandbox, destroySandbox, filterSandboxes, openSandbox, showSandboxDetails,
} from './sandboxes';
export { openSignedInTerminal } from './terminal';
