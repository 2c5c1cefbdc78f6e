import type { Node } from './ast.js';

function compact(items: readonly (Node | null | undefined)[]): Node[] {
  return items.filter((n): n is Node => n != null);
}

/** The direct children of a node, in source order. */
export function children(node: Node): Node[] {
  switch (node.type) {
    case 'Script':
    case 'Block':
      return [...node.statements];
    case 'Identifier':
    case 'NumberLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'StringSegment':
    case 'TypeRef':
      return [];
    case 'Opaque':
      return [...node.recovered];
    case 'Break':
    case 'Continue':
      return compact([node.label]);
    case 'StringLiteral':
      return [...node.parts];
    case 'Interpolation':
      return [...node.body];
    case 'ListLiteral':
      return [...node.elements];
    case 'MapLiteral':
      return [...node.entries];
    case 'MapEntry':
      return [node.key, node.value];
    case 'Spread':
      return [node.argument];
    case 'PropertyAccess':
      return [node.object, node.property];
    case 'MethodCall': {
      const parts = compact([node.object, node.method]);
      const args: Node[] = [...node.args, ...node.namedArgs].sort((a, b) => a.start - b.start);
      return [...parts, ...args, ...node.closures];
    }
    case 'Index':
      return [node.object, ...node.index];
    case 'Parameter':
      return compact([...node.annotations, node.typeRef, node.id, node.defaultValue]);
    case 'Closure':
      return [...(node.params ?? []), ...node.body];
    case 'Binary':
      return [node.left, node.right];
    case 'Unary':
      return [node.operand];
    case 'Ternary':
      return compact([node.test, node.consequent, node.alternate]);
    case 'Assignment':
      return [node.target, node.value];
    case 'TupleTarget':
      return [...node.names];
    case 'Cast':
      return node.form === 'as' ? [node.expression, node.typeRef] : [node.typeRef, node.expression];
    case 'InstanceOf':
      return [node.expression, node.typeRef];
    case 'New': {
      const args: Node[] = [...node.args, ...node.namedArgs].sort((a, b) => a.start - b.start);
      return compact([node.typeRef, ...args, ...(node.dimensions ?? []), ...(node.classBody ?? [])]);
    }
    case 'Parenthesized':
      return [node.expression];
    case 'Annotation':
      return compact([node.value, ...node.members]);
    case 'AnnotationMember':
      return [node.id, node.value];
    case 'VariableDecl':
      return compact([...node.annotations, node.typeRef, ...node.declarators, node.tupleInit]);
    case 'Declarator':
      return compact([node.typeRef, node.id, node.init]);
    case 'MethodDecl':
      return compact([...node.annotations, node.returnType, node.id, ...node.params, node.body]);
    case 'ClassDecl':
      return compact([...node.annotations, node.id, ...(node.members ?? []), node.opaqueBody]);
    case 'If':
      return compact([node.test, node.consequent, node.alternate]);
    case 'For':
      return compact([node.init, node.test, node.update, node.body]);
    case 'ForIn':
      return compact([node.variable, node.iterable, node.body]);
    case 'While':
      return compact([node.test, node.body]);
    case 'Switch':
      return [node.discriminant, ...node.cases];
    case 'SwitchCase':
      return [...node.tests, ...node.body];
    case 'Try':
      return compact([node.block, ...node.catches, node.finalizer]);
    case 'Catch':
      return [...node.types, node.param, node.body];
    case 'Return':
      return compact([node.argument]);
    case 'Throw':
      return [node.argument];
    case 'Assert':
      return compact([node.test, node.message]);
    case 'Synchronized':
      return [node.lock, node.body];
    case 'Labeled':
      return [node.label, node.body];
    case 'Import':
      return compact([...node.annotations, node.alias]);
    case 'Package':
      return [...node.annotations];
  }
}

/**
 * Visits `root` and its descendants depth-first in source order. Returning `false` from `fn` skips the
 * node's children. Iterative, so arbitrarily deep trees (long operator chains) cannot overflow the stack.
 */
export function walk(root: Node, fn: (node: Node, parent: Node | null) => void | boolean): void {
  const stack: { node: Node; parent: Node | null }[] = [{ node: root, parent: null }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    if (fn(node, parent) === false) continue;
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]!, parent: node });
  }
}
