"""Model files: finding the bundled ones, converting and exporting them, inspecting user files."""
