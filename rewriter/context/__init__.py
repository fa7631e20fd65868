"""The build context: which folder a Dockerfile is built from, and what of it the image sees.

``find_context`` decides the folder (and says which source decided); the ``BuildContext``
it returns answers questions about paths in it, honouring ``.dockerignore``.
"""

from rewriter.context.build_context import BuildContext, ContextSource, Walk
from rewriter.context.discover import clear_cache, find_context
from rewriter.context.dockerignore import DockerIgnore

__all__ = ["BuildContext", "ContextSource", "DockerIgnore", "Walk", "clear_cache", "find_context"]
