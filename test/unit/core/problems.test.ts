/**
 * Problem lists: one entry per problem, prefixed with its field's path, and one message format.
 */
import { describe, expect, it } from 'vitest';
import { describeProblems, Problems } from '../../../lambdas/core/problems';

describe('problems', () => {
  it('prefixes a problem with the path of its field, and leaves a document-wide one as it is', () => {
    // Prepare
    const problems = new Problems();
    // Act
    problems.add('revocation.tableName', 'is required');
    problems.add('', 'configuration must be a JSON object');
    // Assert
    expect(problems.list).toEqual(['revocation.tableName: is required', 'configuration must be a JSON object']);
    expect(problems.isEmpty).toBe(false);
  });

  it('takes problems another reader already worded, in order', () => {
    // Prepare
    const problems = new Problems();
    problems.add('a', 'first');
    // Act
    problems.addAll(['b: second', 'c: third']);
    // Assert
    expect(problems.list).toEqual(['a: first', 'b: second', 'c: third']);
  });

  it('starts empty', () => {
    // Act / Assert
    expect(new Problems().isEmpty).toBe(true);
  });

  it.each([
    { problems: ['one'], message: 'Invalid thing (1 problem):\n- one' },
    { problems: ['one', 'two'], message: 'Invalid thing (2 problems):\n- one\n- two' },
  ])('says $problems.length problem(s) as a title line and one "- problem" line each', ({ problems, message }) => {
    // Act / Assert
    expect(describeProblems('Invalid thing', problems)).toBe(message);
  });
});
