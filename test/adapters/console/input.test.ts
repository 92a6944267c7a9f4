import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from '../../../adapters/console/input.ts';

describe('parseConsoleLine', () => {
  it.each([
    ['', { kind: 'empty' }],
    ['   ', { kind: 'empty' }],
    ['quit', { kind: 'quit' }],
    ['EXIT', { kind: 'quit' }],
    ['help', { kind: 'help' }],
    ['/papers unlearning', { kind: 'command', text: 'unlearning' }],
    ['/PAPERS top all', { kind: 'command', text: 'top all' }],
    ['/papers', { kind: 'command', text: '' }],
    ['unlearning', { kind: 'command', text: 'unlearning' }],
    ['-survey diffusion', { kind: 'command', text: '-survey diffusion' }],
    [':+1: 2', { kind: 'react', emoji: ':+1:', index: 2, added: true }],
    ['-:+1: 2', { kind: 'react', emoji: ':+1:', index: 2, added: false }],
    [':fire: 10', { kind: 'react', emoji: ':fire:', index: 10, added: true }],
    ['👍 1', { kind: 'react', emoji: '👍', index: 1, added: true }],
    ['👍🏽 3', { kind: 'react', emoji: '👍🏽', index: 3, added: true }],
    ['/frobnicate', { kind: 'unknown', text: '/frobnicate' }],
    ['/paperss x', { kind: 'unknown', text: '/paperss x' }],
  ])('GIVEN %j THEN %j', (line, expected) => {
    expect(parseConsoleLine(line)).toEqual(expected);
  });
});
