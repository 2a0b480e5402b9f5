#ifndef CLINEEDITOR_H
#define CLINEEDITOR_H

#include <stddef.h>

/// An opaque line editor over libedit's native API.
typedef struct dm_editor dm_editor;

/// The completion callback: receives the line up to the cursor (UTF-8) and
/// the context pointer given to dm_editor_open; returns 0 for "nothing
/// inserted" (the caller rings the bell), 1 for "line changed", 2 for
/// "candidates were printed, redraw the whole line".
typedef int (*dm_complete_fn)(const char *line_before_cursor, void *context);

/// Opens an editor on stdin/stdout/stderr. `program` names the editrc section.
/// Returns NULL when libedit cannot start (for example without a terminal).
dm_editor *dm_editor_open(const char *program, dm_complete_fn complete, void *context);

/// Closes the editor and restores the terminal.
void dm_editor_close(dm_editor *editor);

/// Sets the prompt text shown by the next dm_editor_read_line.
void dm_editor_set_prompt(dm_editor *editor, const char *prompt);

/// Reads one line. Returns 1 with *out set to a malloc'ed UTF-8 line without
/// its newline (the caller frees it), 0 at end of input (Ctrl-D on an empty
/// line), and -1 when Ctrl-C interrupted the line.
int dm_editor_read_line(dm_editor *editor, char **out);

/// Inserts text at the cursor; used by the completion callback.
int dm_editor_insert(dm_editor *editor, const char *text);

/// Replaces the in-memory history with nothing.
void dm_editor_history_clear(dm_editor *editor);

/// Appends one entry to the in-memory history that Up and Down walk.
void dm_editor_history_add(dm_editor *editor, const char *line);

/// Installs the SIGINT handler used at the prompt and while commands run.
void dm_install_sigint_handler(void);

/// Returns 1 and clears the flag if SIGINT arrived since the last call.
int dm_take_sigint(void);

/// Returns 1 if SIGINT arrived since the last dm_take_sigint, without clearing.
int dm_sigint_pending(void);

#endif
