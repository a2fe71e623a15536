/**
 * Finds the places in src/ that put text on a surface of the editor
 * (notifications, modal details, progress titles, quick picks, tree items,
 * the status bar, tooltips) and reports each value that is not known to be
 * neutralised for that surface by src/util/untrustedText.ts.
 *
 * A value is accepted when it is our own constant (a literal, a number, a
 * string-literal union, a table of literals), `l10n.t` with accepted
 * arguments, a call to a neutraliser or to a helper built from them (listed
 * below, each covered by its own unit tests), a parameter of a function that
 * is itself checked at its callers, or a local `const` whose initialiser (and,
 * for arrays, every `push`) is accepted. Anything else, a property of a
 * server object in particular, is reported.
 */
import * as ts from 'typescript';

/** The surfaces, by what they render: links and icons, nothing, Markdown. */
export type Surface = 'message' | 'label' | 'markdown';
type Levels = ReadonlySet<Surface>;

const ALL: Levels = new Set<Surface>(['message', 'label', 'markdown']);
const NONE: Levels = new Set<Surface>();
const MESSAGE: Levels = new Set<Surface>(['message', 'label']);
const LABEL: Levels = new Set<Surface>(['label']);
const MARKDOWN: Levels = new Set<Surface>(['markdown']);

/** Functions whose result is safe on these surfaces. */
const SAFE_CALLS: Record<string, Levels> = {
  messageText: MESSAGE,
  labelText: LABEL,
  markdownText: MARKDOWN,
  // Built with messageText (src/views/errorText.ts).
  errorReason: MESSAGE,
  // Built with labelText (src/views/workspaceText.ts, tokenText.ts): tree labels only; wrap in messageText for messages.
  workspaceLabel: LABEL,
  tokenLabel: LABEL,
  // Markdown built with markdownText (src/views/tokenText.ts).
  tokenTooltip: MARKDOWN,
  // Built with labelText / markdownText (src/views/sandboxesText.ts).
  sandboxLabel: LABEL,
  sandboxTooltip: MARKDOWN,
  // Our own words for a TTL (numbers and l10n).
  formatTtl: ALL,
  // A MarkdownString that is not trusted and renders no HTML; its argument is checked as Markdown.
  inertMarkdown: ALL,
  // Numbers and dates written by us.
  waitSeconds: ALL,
  busyText: ALL,
  somethingWentWrong: ALL,
  // Built with messageText (src/workspace/bindingWarning.ts).
  bindingProblemText: MESSAGE,
  // Its reason argument is checked as a message (SINKS).
  loadFailedText: MESSAGE,
  formatAbsoluteDate: ALL,
  formatRelativeTime: ALL,
};

/** Properties of our own text types, and what they were built for. */
const SAFE_PROPERTIES: Record<string, Record<string, Levels>> = {
  ItemText: { label: LABEL, description: LABEL, tooltip: MARKDOWN },
  // The description is l10n text with relative dates (tokenText).
  TokenText: { label: LABEL, description: MESSAGE },
  // Built with labelText and our own dates (sandboxText).
  SandboxText: { label: LABEL, description: LABEL },
  // l10n constants (src/commands/sandboxInput.ts ttlChoices).
  TtlChoice: { use: ALL },
  // Labels of loading/busy/error rows: l10n text and errorReason (checked where the nodes are made).
  MessageNode: { label: MESSAGE },
  // Our commands' titles are l10n constants (retryCommand).
  Command: { title: ALL },
};

/** Calls that show text: callee name, which arguments, on which surface. `detail`/`title` of object arguments too. */
interface Sink {
  args: 'all' | readonly number[];
  surface: Surface;
  /** Only when the callee expression ends like this (e.g. `prompts.error`, not `log.error`). */
  receiver?: RegExp;
}
const SINKS: Record<string, Sink> = {
  showInformationMessage: { args: 'all', surface: 'message' },
  showWarningMessage: { args: 'all', surface: 'message' },
  showErrorMessage: { args: 'all', surface: 'message' },
  withProgress: { args: [0], surface: 'message', receiver: /(?:window|ui)\.withProgress$/ },
  report: { args: [0], surface: 'message', receiver: /progress\.report$/ },
  // The extension's own wrappers around the calls above.
  withNotification: { args: [0], surface: 'message' },
  runWrite: { args: [1, 2], surface: 'message' },
  ensureSignedIn: { args: [1], surface: 'message' },
  listForPicker: { args: [3], surface: 'message' },
  loadFailedText: { args: [1], surface: 'message' },
  offer: { args: 'all', surface: 'message', receiver: /prompts\.offer$/ },
  warn: { args: 'all', surface: 'message', receiver: /prompts\.warn$/ },
  error: { args: 'all', surface: 'message', receiver: /prompts\.error$/ },
  showQuickPick: { args: [1], surface: 'message' },
  showInputBox: { args: [0], surface: 'message' },
  askSecret: { args: [0], surface: 'message' },
  rowsForState: { args: [2], surface: 'message' },
  errorNode: { args: [0], surface: 'message' },
  inertMarkdown: { args: [0], surface: 'markdown' },
  TreeItem: { args: [0], surface: 'label' },
};
/** Properties that show text when assigned, or when set in an object literal of a shown type. */
const ASSIGNED: Record<string, Surface> = { text: 'message', tooltip: 'message', description: 'label', label: 'label' };
const OPTION_FIELDS: Record<string, Surface> = { detail: 'message', title: 'message', message: 'message', prompt: 'message', placeHolder: 'message' };

export interface Finding {
  file: string;
  line: number;
  surface: Surface;
  code: string;
}

export function checkProgram(program: ts.Program, files: readonly string[]): Finding[] {
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (sf) {
      checkFile(sf, checker, findings);
    }
  }
  return findings;
}

/**
 * A program in which some files have the given text instead of what is on
 * disk (or do not exist on disk at all): for checking examples and mutants.
 */
export function programWith(options: ts.CompilerOptions, roots: readonly string[], texts: ReadonlyMap<string, string>): ts.Program {
  const host = ts.createCompilerHost(options);
  const original = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => texts.has(name) || fileExists(name);
  host.getSourceFile = (name, lang, ...rest) => {
    const text = texts.get(name);
    return text === undefined ? original(name, lang, ...rest) : ts.createSourceFile(name, text, lang, true);
  };
  return ts.createProgram([...roots, ...texts.keys()], options, host);
}

/** An own entry only: `constructor`, `toString` and the like are no sinks. */
function own<T>(table: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

function calleeName(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) {
    return expr.text;
  }
  if (ts.isPropertyAccessExpression(expr)) {
    return expr.name.text;
  }
  return undefined;
}

function functionName(fn: ts.SignatureDeclaration): string | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) {
    return fn.name.text;
  }
  const parent = fn.parent;
  if (parent && (ts.isPropertyAssignment(parent) || ts.isVariableDeclaration(parent)) && ts.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  return undefined;
}

function intersect(...sets: Levels[]): Levels {
  return new Set([...ALL].filter((s) => sets.every((set) => set.has(s))));
}

function checkFile(sf: ts.SourceFile, checker: ts.TypeChecker, findings: Finding[]): void {
  const resolving = new Set<ts.Node>();

  const report = (expr: ts.Node, surface: Surface): void => {
    const { line } = sf.getLineAndCharacterOfPosition(expr.getStart(sf));
    findings.push({ file: sf.fileName, line: line + 1, surface, code: expr.getText(sf).slice(0, 120) });
  };

  const require = (expr: ts.Expression, surface: Surface): void => {
    // A callback (runWrite's failure message): what it returns is what is shown.
    if (ts.isArrowFunction(expr) || ts.isFunctionExpression(expr)) {
      if (ts.isBlock(expr.body)) {
        expr.body.forEachChild(function visit(n): void {
          if (ts.isReturnStatement(n) && n.expression) {
            require(n.expression, surface);
          } else if (!ts.isFunctionLike(n)) {
            n.forEachChild(visit);
          }
        });
      } else {
        require(expr.body, surface);
      }
      return;
    }
    if (ts.isObjectLiteralExpression(expr)) {
      for (const prop of expr.properties) {
        const field = ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) ? own(OPTION_FIELDS, prop.name.text) : undefined;
        if (field && ts.isPropertyAssignment(prop)) {
          require(prop.initializer, field);
        }
      }
      return;
    }
    if (!levels(expr).has(surface)) {
      report(expr, surface);
    }
  };

  const constantType = (type: ts.Type): boolean => {
    if (type.isUnion()) {
      return type.types.every(constantType);
    }
    return (type.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike
      | ts.TypeFlags.StringLiteral | ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) !== 0;
  };

  /** A const table of literals, e.g. `{ github: 'GitHub' }`. */
  const literalTable = (expr: ts.Expression): boolean => {
    const symbol = checker.getSymbolAtLocation(expr);
    const decl = symbol?.valueDeclaration;
    return !!decl && ts.isVariableDeclaration(decl) && !!decl.initializer && ts.isObjectLiteralExpression(decl.initializer)
      && (decl.parent.flags & ts.NodeFlags.Const) !== 0
      && decl.initializer.properties.every((p) => ts.isPropertyAssignment(p) && ts.isStringLiteralLike(p.initializer));
  };

  const declarationOf = (id: ts.Identifier): { symbol?: ts.Symbol; decl?: ts.Declaration } => {
    const symbol = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id
      ? checker.getShorthandAssignmentValueSymbol(id.parent)
      : checker.getSymbolAtLocation(id);
    return { symbol, decl: symbol?.valueDeclaration ?? symbol?.declarations?.[0] };
  };

  /** A parameter of one of the wrappers in SINKS: whatever it holds was checked at the wrapper's callers. */
  const isForwarded = (decl: ts.Declaration): boolean => {
    if (!ts.isParameter(decl)) {
      return false;
    }
    const sink = own(SINKS, functionName(decl.parent));
    return !!sink && (sink.args === 'all' || sink.args.includes(decl.parent.parameters.indexOf(decl)));
  };

  const identifierLevels = (id: ts.Identifier): Levels => {
    const { symbol, decl } = declarationOf(id);
    if (!decl) {
      return id.text === 'undefined' ? ALL : NONE;
    }
    if (ts.isParameter(decl)) {
      const fn = decl.parent;
      if (isForwarded(decl)) {
        return ALL;
      }
      // The `reason` a callback receives from runWrite or rowsForState is errorReason's text.
      const call = fn.parent;
      if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isCallExpression(call)) {
        const callee = calleeName(call.expression);
        if ((callee === 'runWrite' || callee === 'rowsForState') && call.arguments.indexOf(fn) === 2) {
          return MESSAGE;
        }
      }
      return NONE;
    }
    if (ts.isVariableDeclaration(decl) && decl.initializer) {
      if (resolving.has(decl)) {
        return ALL;
      }
      resolving.add(decl);
      try {
        let result = levels(decl.initializer);
        // An array filled later: every push counts too.
        if (ts.isArrayLiteralExpression(decl.initializer)) {
          const scope = decl.parent.parent.parent;
          scope.forEachChild(function visit(n): void {
            if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'push'
              && ts.isIdentifier(n.expression.expression) && checker.getSymbolAtLocation(n.expression.expression) === symbol) {
              result = intersect(result, ...n.arguments.map(levels));
            }
            n.forEachChild(visit);
          });
        }
        return result;
      } finally {
        resolving.delete(decl);
      }
    }
    return NONE;
  };

  const propertyLevels = (expr: ts.PropertyAccessExpression | ts.ElementAccessExpression): Levels => {
    if (literalTable(expr.expression)) {
      return ALL;
    }
    // `options.title` of a forwarded `options`.
    let root: ts.Expression = expr.expression;
    while (ts.isPropertyAccessExpression(root)) {
      root = root.expression;
    }
    if (ts.isIdentifier(root)) {
      const { decl } = declarationOf(root);
      if (decl && isForwarded(decl)) {
        return ALL;
      }
    }
    if (ts.isPropertyAccessExpression(expr)) {
      const owner = checker.getTypeAtLocation(expr.expression).getNonNullableType();
      const ownerName = owner.aliasSymbol?.name ?? owner.getSymbol()?.name;
      const safe = own(own(SAFE_PROPERTIES, ownerName) ?? {}, expr.name.text);
      if (safe) {
        return safe;
      }
    }
    return NONE;
  };

  const levels = (expr: ts.Expression): Levels => {
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr) || ts.isSpreadElement(expr)) {
      return levels(expr.expression);
    }
    if (ts.isStringLiteralLike(expr) || ts.isNumericLiteral(expr)) {
      return ALL;
    }
    if (constantType(checker.getTypeAtLocation(expr))) {
      return ALL;
    }
    if (ts.isTemplateExpression(expr)) {
      return intersect(...expr.templateSpans.map((s) => levels(s.expression)));
    }
    if (ts.isBinaryExpression(expr)) {
      const op = expr.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        return intersect(levels(expr.left), levels(expr.right));
      }
      // `a && b` shows `b`, or a falsy `a` ('', 0, undefined), which says nothing.
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
        return levels(expr.right);
      }
      return NONE;
    }
    if (ts.isConditionalExpression(expr)) {
      return intersect(levels(expr.whenTrue), levels(expr.whenFalse));
    }
    if (ts.isArrayLiteralExpression(expr)) {
      return intersect(...expr.elements.map((e) => levels(e as ts.Expression)));
    }
    if (ts.isCallExpression(expr)) {
      const name = calleeName(expr.expression);
      if (name === 't' && /l10n\.t$/.test(expr.expression.getText(sf))) {
        const [template, ...args] = expr.arguments;
        return intersect(template && ts.isStringLiteralLike(template) ? ALL : NONE, ...args.map(levels));
      }
      const safe = own(SAFE_CALLS, name);
      if (safe) {
        return safe;
      }
      if (ts.isIdentifier(expr.expression)) {
        const { decl } = declarationOf(expr.expression);
        // Calling a forwarded callback (runWrite's failure message): checked where it was passed.
        if (decl && isForwarded(decl)) {
          return ALL;
        }
        // Our own function: as safe as everything it returns.
        if (decl && ts.isFunctionDeclaration(decl) && decl.body && !resolving.has(decl)) {
          resolving.add(decl);
          try {
            const returned: Levels[] = [];
            decl.body.forEachChild(function visit(n): void {
              if (ts.isReturnStatement(n)) {
                returned.push(n.expression ? levels(n.expression) : ALL);
              } else if (!ts.isFunctionLike(n)) {
                n.forEachChild(visit);
              }
            });
            return returned.length ? intersect(...returned) : NONE;
          } finally {
            resolving.delete(decl);
          }
        }
      }
      // `[a, b].filter(Boolean).join(' · ')` and the like: as safe as the array.
      if ((name === 'join' || name === 'filter' || name === 'trim') && ts.isPropertyAccessExpression(expr.expression)) {
        return levels(expr.expression.expression);
      }
      return NONE;
    }
    if (ts.isIdentifier(expr)) {
      return identifierLevels(expr);
    }
    if (ts.isPropertyAccessExpression(expr) || ts.isElementAccessExpression(expr)) {
      return propertyLevels(expr);
    }
    return NONE;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeName(node.expression);
      const sink = own(SINKS, name);
      if (sink && (!sink.receiver || sink.receiver.test(node.expression.getText(sf)))) {
        (node.arguments ?? []).forEach((arg, i) => {
          if (sink.args === 'all' || sink.args.includes(i)) {
            require(arg, sink.surface);
          }
        });
      }
      // Every l10n.t argument must be safe somewhere; where it is used decides which surface.
      if (name === 't' && /l10n\.t$/.test(node.expression.getText(sf))) {
        node.arguments?.slice(1).forEach((arg) => {
          if (levels(arg).size === 0) {
            report(arg, 'label');
          }
        });
      }
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken
      && ts.isPropertyAccessExpression(node.left) && own(ASSIGNED, node.left.name.text)) {
      require(node.right, own(ASSIGNED, node.left.name.text) ?? 'message');
    }
    // Object literals of a shown type: quick-pick items and our text types.
    if (ts.isObjectLiteralExpression(node)) {
      const type = checker.getContextualType(node)?.getNonNullableType();
      const typeName = type?.aliasSymbol?.name ?? type?.getSymbol()?.name;
      const quickPick = !!type?.getProperty('alwaysShow');
      const ownType = typeName === 'ItemText' || typeName === 'TokenText' || typeName === 'MessageNode';
      if (quickPick || ownType) {
        for (const prop of node.properties) {
          const key = prop.name && ts.isIdentifier(prop.name) ? prop.name.text : undefined;
          if (!key || !['label', 'description', 'detail', 'tooltip'].includes(key)) {
            continue;
          }
          const value = ts.isPropertyAssignment(prop) ? prop.initializer : ts.isShorthandPropertyAssignment(prop) ? prop.name : undefined;
          if (!value) {
            continue;
          }
          if (quickPick) {
            require(value, 'message');
          } else {
            // Our own types: safe on every surface their fields are declared safe for.
            const declared = own(own(SAFE_PROPERTIES, typeName) ?? {}, key) ?? LABEL;
            declared.forEach((surface) => require(value, surface));
          }
        }
      }
    }
    node.forEachChild(visit);
  };
  visit(sf);
}
