; Candidate nodes for route extraction (_ts_routes.py). The queries find where to look;
; _ts_routes.py judges each capture (is the object a router, is the argument a handler).

; obj.method(args): app.get, router.use, fastify.register, app.route, app.setGlobalPrefix, …
; and plain calls that may register routes on a router they are given (registerDevRoutes(app))
; are the main query's calls (typescript.scm's @call), not found again here.

; classes (NestJS controllers)
(class_declaration) @class

; exports: Next.js route handlers, default-exported routers and plugins
(export_statement) @export
; module.exports = …: every assignment, its left side judged in Python (_ts_routes._cjs_export);
; a pattern spelling out `module.exports` cost a third of this query's compile time
(assignment_expression) @assignment

; functions by name: handlers defined apart, guard definitions
(function_declaration name: (identifier) @function_name) @function
(variable_declarator
  name: (identifier) @function_name
  value: [(arrow_function) (function_expression)] @function)

; declarations of routers: const r = Router(), new Hono(), Fastify(), new Router({ prefix })
(variable_declarator
  name: (identifier) @router_name
  value: [(call_expression) (new_expression) (await_expression)] @router_value)

; NestJS controller lists outside @Module (dynamic module configs): controllers: [AuthController]
((pair key: (property_identifier) @_controllers value: (array) @nest_controllers)
 (#eq? @_controllers "controllers"))
