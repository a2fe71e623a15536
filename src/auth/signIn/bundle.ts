// The entry point of dist/signIn.js: the interactive sign-in (flows, loopback
// relay, callback parsing), loaded the first time a sign-in runs or a
// callback arrives rather than at activation.
export { PendingSignIns } from './pendingSignIn';
export { SignIn } from './signIn';
