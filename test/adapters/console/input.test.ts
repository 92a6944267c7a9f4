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
    [':+1:', { kind: 'no-number', emoji: ':+1:', text: ':+1:' }],
    [':+1: x', { kind: 'no-number', emoji: ':+1:', text: ':+1: x' }],
    [':+1: 1 2', { kind: 'no-number', emoji: ':+1:', text: ':+1: 1 2' }],
    ['-:pushpin:', { kind: 'no-number', emoji: ':pushpin:', text: '-:pushpin:' }],
    ['👍 first', { kind: 'no-number', emoji: '👍', text: '👍 first' }],
    [':not an emoji: 1', { kind: 'command', text: ':not an emoji: 1' }],
    ['/frobnicate', { kind: 'unknown', text: '/frobnicate' }],
    ['/paperss x', { kind: 'unknown', text: '/paperss x' }],
  ])('GIVEN %j THEN %j', (line, expected) => {
    expect(parseConsoleLine(line)).toEqual(expected);
  });
});
