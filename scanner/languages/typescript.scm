; Candidate nodes for the TypeScript/JavaScript frontend (typescript.py). The queries find
; where to look; typescript.py judges each capture by walking its parents.
; The file holds one query, `main` (each query starts at a `;;; query: NAME` line), run on every
; file. Strings that hold a local host are found from the bytes (typescript._local_strings).

;;; query: main
; (every capture is read by name; a name comes from one query only)

; process.env, Bun.env: every use, read or alias or destructuring
((member_expression
   object: (identifier) @_obj
   property: (property_identifier) @_env) @env_object
 (#any-of? @_obj "process" "Bun")
 (#eq? @_env "env"))

; Deno.env.get("X"): found among @config_get (typescript._derived)

; conditions
(if_statement condition: (parenthesized_expression)) @if
(ternary_expression) @ternary
(switch_statement value: (parenthesized_expression) @switch_value)

; comparisons (credential compares, and the compare context of literals): every binary
; expression, its operator judged in Python. A pattern that names the operator keeps one
; half-matched state per enclosing binary expression while the cursor walks its left operand,
; which is quadratic on a long chain (`a ?? b ?? …`: 1.6 s at 2,000 terms, minutes at 20,000).
; So no pattern here constrains a child that follows one which can nest deep (a left operand,
; a callee, a member's object): the query call cannot be interrupted by the time budget.
(binary_expression) @comparison

; module structure
(import_statement source: (string)) @import

; standalone scripts (require.main === module): found among @comparison (typescript._derived)

; `cond && effect();` statements: the operator is judged in Python (typescript._derived)
(expression_statement (binary_expression) @and_statement)

; every call, sorted in Python (typescript._derived) by its callee: method calls (NestJS
; ConfigService's config.get("X"), Deno.env.get("X"), route registrations) and calls of a name
; (env helpers such as optional("X", "d"), registerDevRoutes(app)). A pattern that constrains a
; call's children costs about 28 million instructions to compile (callgrind), as much as the
; rest of this query; one per callee kind, and a query of its own for helpers, cost three times
; that in every process that parses TypeScript. (As for comparisons: a constraint on the method
; name or the arguments waits through the callee, quadratic on a long `a.f().f()…` chain.)
(call_expression) @call

; multi-capture patterns, read as aligned tuples

; keys are the effect table's (PAIR_EFFECTS in _js_effects.py), filled in when the query is built
((pair key: (property_identifier) @guarded_key value: (_) @guarded_value)
 (#any-of? @guarded_key PAIR_EFFECT_KEYS))
; { redisUrl: eventsRedisUrl }: a config property that holds a local
(pair key: (property_identifier) @binding_key value: (identifier) @binding_value)
; const x = require("…"): every declarator given a call, the callee and argument judged in Python
; (typescript._derived): a pattern constraining the call's children cost a sixth of this
; query's compile time
(variable_declarator name: (_) @require_name value: (call_expression) @require_call)
(lexical_declaration (variable_declarator name: (identifier) @const_name value: (_) @const_value))
(variable_declaration (variable_declarator name: (identifier) @const_name value: (_) @const_value))
; destructuring: const { isCloud, isIntegrationTest } = EnvSet.values (config flags by their source)
(variable_declarator name: (object_pattern) @destructure_pattern value: (_) @destructure_value)

; uses of imported config objects: config.giteaUrl (judged in Python: root must be imported);
; and import.meta.env (typescript._derived). One pattern for both: each pattern that constrains
; a member expression's children costs about a fifth of this query's compile time (callgrind)
(member_expression object: [(identifier) (meta_property)] @use_root) @use
