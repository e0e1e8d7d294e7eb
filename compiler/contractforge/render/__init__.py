"""Pure renderers: ProjectPlan (frozen) in, data out. Only ``contractforge.writer`` writes files.

``render.build.render_build(plan, options)`` assembles every renderer into one in-memory build
tree (relative posix path → bytes); the writer writes or checks it.
"""
