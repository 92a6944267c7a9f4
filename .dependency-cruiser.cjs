// The direction of dependencies, checked in CI (`npm run deps`). Layers, from the edge inwards:
//   app/, cli/  →  adapters/  →  chat/  →  commands/  →  roundup/  →  papers/, feed/, store/
// plus leaf modules every layer may use: src/log.ts, src/env.ts, src/usage-error.ts, src/http/.
// The ports (src/chat/platform.ts, src/chat/platform-entry.ts) are types every layer may name.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'only-app-and-cli-know-adapters',
      comment: 'The core knows platforms only through the ChatPlatform port; app/ and cli/ compose them.',
      severity: 'error',
      from: { path: '^(src/(?!app/|cli/)|commands/)' },
      to: { path: '^adapters/' },
    },
    {
      name: 'no-platform-sdk-in-the-core',
      comment: 'Bolt and discord.js live in their adapters only.',
      severity: 'error',
      from: { path: '^(src|commands)/' },
      to: { path: '@slack/|discord\\.js|@discordjs/' },
    },
    {
      name: 'adapters-stay-in-their-folder',
      comment: 'One adapter never imports another: each platform is its own folder.',
      severity: 'error',
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^adapters/', pathNot: ['^adapters/$1/', '^adapters/index\\.ts$'] },
    },
    {
      name: 'adapters-do-not-reach-into-app-or-cli',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'chat-below-app',
      comment: 'The bot and the ports know nothing of composition or the command line.',
      severity: 'error',
      from: { path: '^src/chat/' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'commands-below-chat',
      comment: 'Commands return replies; they may name the ports (reply model, refs) but not the bot.',
      severity: 'error',
      from: { path: '^commands/' },
      to: { path: '^src/(app|cli)/|^src/chat/(?!platform\\.ts$|emoji\\.ts$)' },
    },
    {
      name: 'roundup-below-commands',
      severity: 'error',
      from: { path: '^src/roundup/' },
      to: { path: '^commands/|^src/(app|cli)/|^src/chat/(?!platform\\.ts$|emoji\\.ts$)' },
    },
    {
      name: 'watch-below-commands',
      comment: 'Watches sit beside roundups: they post through the platform port, never the bot.',
      severity: 'error',
      from: { path: '^src/watch/' },
      to: { path: '^commands/|^src/(app|cli)/|^src/chat/(?!platform\\.ts$|emoji\\.ts$)' },
    },
    {
      name: 'domain-at-the-bottom',
      comment: 'Papers, feeds and stores depend on nothing above them.',
      severity: 'error',
      from: { path: '^src/(papers|feed|store)/' },
      to: { path: '^commands/|^src/(app|cli|chat|roundup|watch)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
