// A thin layer over libedit's native API. libedit's el_set and history calls
// are variadic, which Swift cannot call, so this file wraps the few that the
// shell needs. It also owns two behaviours that libedit's defaults get wrong
// for this shell:
//  - Ctrl-C: libedit retries a read interrupted by a signal once, so a single
//    Ctrl-C would be swallowed. The read function below returns at once when
//    SIGINT arrived, and el_gets then returns NULL.
//  - TAB: bound to our own function, so libedit never falls back to filename
//    completion and never appends a space.

#include "CLineEditor.h"

#include <errno.h>
#include <histedit.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

struct dm_editor {
    EditLine *el;
    History *history;
    HistEvent event;
    char *prompt;
    dm_complete_fn complete;
    void *context;
};

static atomic_int sigint_flag = 0;

static void on_sigint(int signo) {
    (void)signo;
    atomic_store(&sigint_flag, 1);
}

void dm_install_sigint_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: a blocking read must return EINTR so the editor sees it.
    action.sa_flags = 0;
    sigaction(SIGINT, &action, NULL);
}

int dm_take_sigint(void) {
    return atomic_exchange(&sigint_flag, 0);
}

int dm_sigint_pending(void) {
    return atomic_load(&sigint_flag);
}

static char *prompt_fn(EditLine *el) {
    dm_editor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    return (editor && editor->prompt) ? editor->prompt : "";
}

// Reads one character, decoding UTF-8 by hand. Returns 1 on success, 0 at end
// of file and -1 on error or when SIGINT arrived.
static int read_char(EditLine *el, wchar_t *out) {
    (void)el;
    unsigned char bytes[4];
    size_t length = 0;
    size_t expected = 1;

    while (length < expected) {
        if (atomic_load(&sigint_flag)) {
            errno = EINTR;
            return -1;
        }
        ssize_t got = read(STDIN_FILENO, &bytes[length], 1);
        if (got == 0) {
            return 0;
        }
        if (got < 0) {
            if (errno == EINTR && !atomic_load(&sigint_flag)) {
                continue; // SIGWINCH and friends
            }
            return -1;
        }
        if (length == 0) {
            unsigned char lead = bytes[0];
            if (lead < 0x80) expected = 1;
            else if ((lead & 0xE0) == 0xC0) expected = 2;
            else if ((lead & 0xF0) == 0xE0) expected = 3;
            else if ((lead & 0xF8) == 0xF0) expected = 4;
            else expected = 1; // stray continuation byte: pass through as U+FFFD below
        } else if ((bytes[length] & 0xC0) != 0x80) {
            // A broken sequence: drop what came before and restart on this byte.
            bytes[0] = bytes[length];
            length = 0;
            expected = 1;
            continue;
        }
        length += 1;
    }

    if (expected == 1) {
        *out = bytes[0] < 0x80 ? (wchar_t)bytes[0] : (wchar_t)0xFFFD;
    } else if (expected == 2) {
        *out = (wchar_t)(((bytes[0] & 0x1F) << 6) | (bytes[1] & 0x3F));
    } else if (expected == 3) {
        *out = (wchar_t)(((bytes[0] & 0x0F) << 12) | ((bytes[1] & 0x3F) << 6) | (bytes[2] & 0x3F));
    } else {
        *out = (wchar_t)(((bytes[0] & 0x07) << 18) | ((bytes[1] & 0x3F) << 12) |
                         ((bytes[2] & 0x3F) << 6) | (bytes[3] & 0x3F));
    }
    return 1;
}

static unsigned char complete_fn(EditLine *el, int ch) {
    (void)ch;
    dm_editor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    if (editor == NULL || editor->complete == NULL) {
        return CC_ERROR;
    }

    const LineInfo *info = el_line(el);
    size_t before = (size_t)(info->cursor - info->buffer);
    char *copy = malloc(before + 1);
    if (copy == NULL) {
        return CC_ERROR;
    }
    memcpy(copy, info->buffer, before);
    copy[before] = '\0';

    int result = editor->complete(copy, editor->context);
    free(copy);
    switch (result) {
    case 1:
        return CC_REFRESH;
    case 2:
        return CC_REDISPLAY;
    default:
        return CC_ERROR; // rings the bell
    }
}

dm_editor *dm_editor_open(const char *program, dm_complete_fn complete, void *context) {
    dm_editor *editor = calloc(1, sizeof *editor);
    if (editor == NULL) {
        return NULL;
    }
    editor->complete = complete;
    editor->context = context;
    editor->prompt = strdup("");

    editor->el = el_init(program, stdin, stdout, stderr);
    if (editor->el == NULL) {
        free(editor->prompt);
        free(editor);
        return NULL;
    }
    editor->history = history_init();
    history(editor->history, &editor->event, H_SETSIZE, 100000);
    history(editor->history, &editor->event, H_SETUNIQUE, 1);

    el_set(editor->el, EL_CLIENTDATA, editor);
    el_set(editor->el, EL_EDITOR, "emacs");
    el_set(editor->el, EL_SIGNAL, 0);
    el_set(editor->el, EL_PROMPT, prompt_fn);
    el_set(editor->el, EL_HIST, history, editor->history);
    el_set(editor->el, EL_GETCFN, read_char);
    el_set(editor->el, EL_ADDFN, "deepr-complete", "complete a command, flag or job id", complete_fn);
    el_set(editor->el, EL_BIND, "^I", "deepr-complete", NULL);
    // Users may still customise bindings in ~/.editrc under "deepr-manager".
    el_source(editor->el, NULL);
    return editor;
}

void dm_editor_close(dm_editor *editor) {
    if (editor == NULL) {
        return;
    }
    el_end(editor->el);
    history_end(editor->history);
    free(editor->prompt);
    free(editor);
}

void dm_editor_set_prompt(dm_editor *editor, const char *prompt) {
    char *copy = strdup(prompt);
    if (copy == NULL) {
        return;
    }
    free(editor->prompt);
    editor->prompt = copy;
}

int dm_editor_read_line(dm_editor *editor, char **out) {
    int count = 0;
    *out = NULL;
    atomic_store(&sigint_flag, 0);
    // el_gets prints the prompt first and switches the terminal to raw mode only when it
    // reads the first key. Keys that arrive in between are echoed and line-edited by the
    // kernel, and a Backspace among them could leave the line half-read and the shell
    // stuck. Switching to raw mode before the prompt is shown closes that window.
    el_set(editor->el, EL_PREP_TERM, 1);
    const char *line = el_gets(editor->el, &count);

    if (atomic_exchange(&sigint_flag, 0)) {
        return -1;
    }
    if (line == NULL || count <= 0) {
        return 0;
    }

    size_t length = strlen(line);
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) {
        length -= 1;
    }
    char *copy = malloc(length + 1);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, line, length);
    copy[length] = '\0';
    *out = copy;
    return 1;
}

int dm_editor_insert(dm_editor *editor, const char *text) {
    return el_insertstr(editor->el, text);
}

void dm_editor_history_clear(dm_editor *editor) {
    history(editor->history, &editor->event, H_CLEAR);
}

void dm_editor_history_add(dm_editor *editor, const char *line) {
    history(editor->history, &editor->event, H_ENTER, line);
}
