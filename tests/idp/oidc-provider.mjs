// A real OpenID Provider for the SSO tests: npm oidc-provider (OpenID Certified), configured
// from a JSON file named on the command line and listening on 127.0.0.1 only.
//
// The file gives: port, issuer, clients (oidc-provider client metadata), accounts (account id
// -> claims), jwks (private signing keys, so two providers can share them), idTokenTtl.
// People sign in with the provider's development login form: any password, the account id
// as login. Consent is granted automatically so a sign-in is a single form.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const provider = new Provider(settings.issuer, {
  clients: settings.clients,
  jwks: settings.jwks,
  cookies: { keys: ['trainer-tests-only-cookie-key'] },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'department', 'job_title', 'employee_id', 'groups'],
  },
  ttl: { IdToken: settings.idTokenTtl || 3600 },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = settings.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    grant.addOIDCClaims(Object.keys(settings.accounts[ctx.oidc.session.accountId] || {}));
    await grant.save();
    return grant;
  },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));
provider.listen(settings.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${settings.issuer}`);
});
