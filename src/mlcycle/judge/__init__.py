"""Judge a loaded project: gates, evidence, waivers (``evaluate``) and the
status dashboard's data (``dashboard``). Pure: a project in, a result out."""
