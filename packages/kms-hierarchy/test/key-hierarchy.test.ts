import { App, Stack } from 'aws-cdk-lib';
import { KeyHierarchy } from '../lib';
test('constructs', () => {
  const stack = new Stack(new App(), 'S');
  expect(new KeyHierarchy(stack, 'K')).toBeDefined();
});
