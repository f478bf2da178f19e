"""The build: setuptools (configured in pyproject.toml), plus the compiled form of the built-in knowledge.

When a wheel is built, the YAML files copied into `explainerr/builtin_knowledge/` are checked in full and
`compiled.jsonl` is written beside them (explainerr/knowledge_cache.py), so that an installed explainerr loads
its knowledge without parsing YAML, even where no cache folder can be written.  A problem in the knowledge
fails the build.  An editable install reads the source tree and uses the cache folder instead.
"""
import os
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

COMPILE = ("import sys; from pathlib import Path; from explainerr.knowledge_cache import write_shipped; "
           "write_shipped(Path(sys.argv[1]))")


class BuildWithCompiledKnowledge(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = os.path.join(os.path.abspath(self.build_lib), "explainerr", "builtin_knowledge")
        env = dict(os.environ, PYTHONPATH=os.path.abspath(self.build_lib), EXPLAINERR_CACHE_DIR="off")
        subprocess.run([sys.executable, "-c", COMPILE, target], env=env, check=True)


setup(cmdclass={"build_py": BuildWithCompiledKnowledge})
