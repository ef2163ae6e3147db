"""mkdocs hook: serve the lab's committed figures beside the page that quotes its README.

docs/tutorial/lab7.md includes examples/lab7/README.md, whose images are
relative (`figures/graph.png`); this adds those files to the site at
tutorial/figures/ so the links resolve without a second copy in docs/.
"""

from pathlib import Path

from mkdocs.structure.files import File, Files

FIGURES = Path(__file__).resolve().parents[2] / "examples" / "lab7" / "figures"


def on_files(files: Files, config) -> Files:
    for picture in sorted(FIGURES.glob("*.png")):
        files.append(
            File.generated(
                config, f"tutorial/figures/{picture.name}", abs_src_path=str(picture)
            )
        )
    return files
