// A real OpenID provider for chudong's tests: the certified `oidc-provider` package, run with Node.js.
//
//   node provider.mjs <accounts.json>
//
// accounts.json: {"port": 0, "client": {"client_id", "client_secret", "redirect_uris"},
//                 "accounts": {"<login>": {"name", "email", "chudong_roles": [...]}}}
// It prints "READY <issuer>" once it listens. Its login page is the package's development interaction
// (any password for a listed login); consent is granted without a page, as a province's provider
// configured for chudong would.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const server = http.createServer();
await new Promise((resolve) => server.listen(config.port || 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    ...config.client,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  scopes: ['openid', 'profile', 'email', 'chudong'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], chudong: ['chudong_roles'] },
  pkce: { required: () => true },
  cookies: { keys: ['chudong-tests-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    // Read again at each sign-in: a test changes an officer's claims between two sign-ins.
    const account = JSON.parse(readFileSync(process.argv[2], 'utf8')).accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
  async loadExistingGrant(ctx) {
    const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile email chudong');
    grant.addOIDCClaims(['name', 'email', 'chudong_roles']);
    await grant.save();
    return grant;
  },
});
server.on('request', provider.callback());
console.log(`READY ${issuer}`);
