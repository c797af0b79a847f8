"""English: every word of the page and of the server's answers (the source the other languages translate).

A language is one file in this folder: ``TAG``, ``MATCHES`` and ``WORDS`` with every key of this one (a test checks
that each has the same keys and the same ``{placeholders}``).
"""

from __future__ import annotations

TAG = "en"  # the language's tag: gr.I18n's key, and the key of /detach's "why"
MATCHES = ("en",)  # a browser language (navigator.language, Accept-Language) starting with one of these picks it

WORDS: dict[str, str] = {
    # The page's header.
    "title": "# Touch PyTorch: a digit reader and the `detach()` lab",
    "intro": (
        "Draw a digit and watch a small neural network, running on {device}, read it as you draw; then edit a detached "
        "tensor and see what really happens to the original."
    ),
    "device_cpu": "this server's CPU",
    "device_cuda": "this server's GPU",
    "device_mps": "this Mac's GPU (Apple MPS)",
    # The Draw tab (canvas, reading, upload).
    "tab_draw": "Draw",
    "draw_heading": "### Draw a digit (0–9)",
    "draw_help": (
        "Draw big, in the middle, with one or two strokes. The network is PyTorch's Quickstart MLP (784→512→512→10), "
        "trained to 99.4% on MNIST. Your drawing is cropped, scaled to 20 px and centred by its centre of mass, "
        "exactly as MNIST's digits were made."
    ),
    "reading": "What the network reads",
    "insight_heading": "### What the network sees and thinks",
    "status_preprocess": "preprocess",
    "status_forward": "forward",
    "status_total": "total",
    "draw_prompt": "Draw a digit on the canvas: the reading appears as you draw.",
    "cap_input": "what the network receives (28×28)",
    "cap_region": "your picture: the outlined part is what was read",
    "cap_saliency": "saliency: pixels that move the top score most",
    "cap_hidden1": "hidden layer 1 (512 ReLU units)",
    "cap_hidden2": "hidden layer 2 (512 ReLU units)",
    "upload_heading": "Or upload a photo or scan of a digit",
    "upload": "Digit image (PNG, JPEG, WebP)",
    "canvas_brush": "Brush",
    "canvas_eraser": "Eraser",
    "canvas_undo": "Undo",
    "canvas_clear": "Clear",
    "canvas_examples": "MNIST examples:",
    "canvas_label": "Drawing canvas: draw a digit with the mouse, a pen or a finger",
    "canvas_example": "Example: digit {digit}",
    "top_reading": "The network reads {digit} ({percent}% sure)",
    "top_reading_none": "The network reads: nothing yet",
    # The detach() lab tab.
    "tab_lab": "detach() lab",
    "lab_heading": "### What does `z = y.detach()` share with `y`?",
    "lab_help": (
        "`x` requires grad, `y` is computed from `x`, and `z` is made from `y`. Edit `z`: type a number in a cell and "
        "press Enter (each Enter is one write, `z[i] = v`). The page re-runs the experiment with real PyTorch after "
        "each write and shows what changed."
    ),
    "lab_x": "x values (1 to 16 numbers)",
    "lab_op": "How y is made",
    "lab_mode": "How z is made",
    "lab_device": "Device",
    "lab_z_table": "**z** — type a number, press Enter",
    "lab_reset": "Reset",
    "lab_printed": "print(y) and print(z)",
    "lab_facts": "The facts",
    "lab_grad": "y.sum().backward() → x.grad",
    "lab_code": "The program that reproduces this run",
    "lab_output": "Its output",
    "lab_pitfall_heading": "Creating x on a GPU",
    "fact": "fact",
    "lab_pitfall": (
        "Pitfall: torch.tensor([1., 2., 3.], requires_grad=True).cuda() makes x the output of a copy, i.e. a non-leaf "
        "tensor, so after backward x.grad stays None (and reading it gives a UserWarning). Create it on the GPU "
        'directly instead: torch.tensor([1., 2., 3.], requires_grad=True, device="cuda").'
    ),
    "lab_version_counts": (
        "`_version` counts writes, not changes: every in-place write to a tensor adds 1 to its version counter, even "
        "when the value written is the one already there. y's views and `y.detach()` (so also `y.detach().cpu()` on a "
        "CPU) share y's counter; `y.data` and a tensor rebuilt on y's memory, such as "
        "`torch.from_numpy(y.detach().cpu().numpy())` on a CPU, have a counter of their own, so their writes change y "
        "without moving y's version. Your edits are kept in order as this experiment's history (the `z[i] = v` lines "
        "of the program); Reset clears them."
    ),
    "lab_history_empty": "No writes yet.",
    "lab_graph": "The autograd graph and what it saved",
    "lab_claims": "Common claims about detach(), checked on this run",
    "lab_backward": "Backward: predicted, then run",
    "lab_no_results": "No results: the inputs above were refused.",
    "lab_what_x": "x value {n}",
    "lab_what_edit": "edit {n}",
    "lab_what_edit_value": "edit {n}: value",
    "lab_what_cell": "z[{index}]",
    "lab_err_not_number": "{what} is {value}, which is not a number (examples: 3, -1.5, 2e-3)",
    "lab_err_empty_value": "{what} is empty: type a number (examples: 3, -1.5, 2e-3)",
    "lab_err_nonfinite": "{what} is {value}: values must be finite numbers (no NaN or infinity)",
    "lab_err_float32": "{what} is {value}: values must fit in float32 (between -{max} and {max})",
    "lab_err_too_large": "{what} is too large: values must fit in float32 (between -{max} and {max})",
    "lab_err_must_be_number": "{what} must be a number, got {value}",
    "lab_err_x_type": "x must be text such as {example}, got {value}",
    "lab_err_x_list_type": "x must be text such as {example} or a list of numbers, got {value}",
    "lab_err_x_too_long": "x is too long ({chars} characters): give 1 to {max} numbers, such as {example}",
    "lab_err_x_empty": "x is empty: give 1 to {max} numbers separated by commas, such as {example}",
    "lab_err_x_list_empty": "x is empty: give 1 to {max} numbers",
    "lab_err_x_too_many": "too many numbers for x: {count} given, at most {max} are allowed",
    "lab_err_index": "{what}: index must be an integer, got {value}",
    "lab_err_index_range": (
        "{what}: index {index} is out of range for z with {length} elements (use 0 to {last}, or -{length} to -1 to "
        "count from the end)"
    ),
    "lab_err_length": "length of z must be an integer from 1 to {max}, got {value}",
    "lab_err_edits_type": "edits must be a list of [index, value] pairs, got {value}",
    "lab_err_too_many_edits": "too many edits: {count} given, at most {max} are allowed",
    "lab_err_pair": "{what}: expected an [index, value] pair, got {value}",
    "lab_err_choice": "unknown {name} {value}: choose one of {allowed}",
    "lab_err_no_cuda": 'CUDA is not available on this server: use device "cpu"',
    "lab_why_clone_fresh": (
        ".clone() copies the data into new memory, so z never shares storage with y and an edit to z will not reach y."
    ),
    "lab_why_cpu_copy_fresh": (
        "y is on the GPU ({device}), so .cpu() copies it into host memory: z is a separate tensor and an edit to z "
        "will not reach y."
    ),
    "lab_why_cpu_same_fresh": (
        "y is on the CPU, so .cpu() returns the very tensor that y.detach() gave: z still shares y's storage and "
        "version counter, so an edit to z will show up in y."
    ),
    "lab_why_detach_fresh": (
        "z = y.detach() is a new tensor without autograd history, but it shares y's storage and version counter, so an "
        "edit to z will show up in y."
    ),
    "lab_why_data_fresh": (
        "z = y.data shares y's storage but not its version counter: an edit to z will show up in y, and autograd will "
        "not notice it."
    ),
    "lab_why_nograd_fresh": (
        "This mode has no second tensor: each edit writes into y itself inside torch.no_grad(). no_grad stops autograd "
        "from recording the write, but the write still counts in y's version counter."
    ),
    "lab_why_try": "Edit z to see whether y changes and whether y.sum().backward() still works.",
    "lab_why_cpu_prefix": "On a CPU tensor .cpu() returns the same tensor, so ",
    "lab_why_shared_changed": (
        "{cpu}z and y share storage: editing z changed y, and both version counters went up to {version}."
    ),
    "lab_why_shared_same": (
        "{cpu}z and y share storage: writing z wrote into y's memory (y ends up holding the values it had, so it looks "
        "the same), and both version counters went up to {version}."
    ),
    "lab_why_data_edited": (
        "z = y.data shares y's storage, so the edit changed y, but not y's version counter: z._version went up to "
        "{z_version} while y._version stayed at {y_version}, so autograd cannot tell that y changed."
    ),
    "lab_why_data_same": (
        "z = y.data shares y's storage: writing z wrote into y's memory (y ends up holding the values it had, so it "
        "looks the same), but not into y's version counter: z._version went up to {z_version} while y._version stayed "
        "at {y_version}, so autograd cannot tell that y was written."
    ),
    "lab_why_numpy_same_fresh": (
        "y is on the CPU, so y.detach().cpu() is y's own memory, .numpy() is an array over it, and torch.from_numpy "
        "makes z a new tensor over that same memory, with a version counter of its own: an edit to z will show up in "
        "y, and autograd will not notice it."
    ),
    "lab_why_numpy_copy_fresh": (
        "y is on the GPU ({device}), so .cpu() copies it into host memory before .numpy(): z is a separate tensor and "
        "an edit to z will not reach y."
    ),
    "lab_why_numpy_edited": (
        "z was rebuilt on y's memory, so the edit changed y, but not y's version counter: z._version went up to "
        "{z_version} while y._version stayed at {y_version}, so autograd cannot tell that y changed."
    ),
    "lab_why_numpy_same": (
        "z was rebuilt on y's memory: writing z wrote into y's memory (y ends up holding the values it had, so it "
        "looks the same), but not into y's version counter: z._version went up to {z_version} while y._version stayed "
        "at {y_version}, so autograd cannot tell that y was written."
    ),
    "lab_why_nograd_edited": (
        "The edit wrote into y under torch.no_grad(): autograd did not record it as an operation, but y._version still "
        "went up to {version}."
    ),
    "lab_why_clone_prefix": "z is a clone with its own memory: ",
    "lab_why_copy_prefix": "y is on the GPU ({device}), so .cpu() copied it into host memory: ",
    "lab_why_not_changed": "editing z did not change y; z's version counter went up to {z} while y's stayed at {y}.",
    "lab_why_backward_failed": (
        "Backward failed: {op} saved its output y for the backward pass, and the in-place write bumped y's version "
        "counter, so autograd refuses to use the changed value."
    ),
    "lab_why_data_wrong": (
        "Backward ran without complaint, but {op} saved y and read the edited values: x.grad is wrong, and nothing "
        "warned you. This is why detach() replaced .data."
    ),
    "lab_why_numpy_wrong": (
        "Backward ran without complaint, but {op} saved y and read the edited values: x.grad is wrong, and nothing "
        "warned you. A tensor rebuilt on y's memory hides its writes from y's version counter, just as .data does."
    ),
    "lab_why_backward_untouched": "Backward works: y itself was never modified, so x.grad is unaffected.",
    "lab_why_backward_mul": (
        "Backward still works: x * 2 multiplies by a constant and saves nothing of y for the backward pass, so x.grad "
        "is 2 everywhere."
    ),
    "lab_why_backward_pow": (
        "Backward still works: x ** 2 saves x, not y, for the backward pass, so x.grad = 2x is unaffected."
    ),
    "lab_why_backward_ok": "Backward still works.",
    "sentence_gap": " ",
    "lab_fact_device": "device",
    "lab_fact_shares": "shares storage with the other",
    "lab_fact_version": "_version",
    "lab_fact_requires_grad": "requires_grad",
    "lab_fact_grad_fn": "grad_fn",
    "lab_fact_is_leaf": "is_leaf",
    "lab_graph_caption": (
        "Read from y.grad_fn: each box to the right of the backward node is a tensor it saved ({names}); red when the "
        "tensor's version moved since it was saved."
    ),
    "lab_graph_saved": "saved",
    "lab_graph_now": "now",
    "lab_graph_of": "of",
    "lab_graph_constant": "a constant",
    "lab_graph_nothing_saved": "nothing saved",
    "lab_graph_shares": "same storage as y",
    "lab_graph_data": "y's storage, own _version",
    "lab_graph_copy": "its own memory",
    "lab_graph_is_y": "z is y",
    "lab_graph_leaf": "leaf",
    "lab_predict_ok": (
        "Predicted: backward will work, since every tensor {grad_fn} saved is still at the version it was saved at."
    ),
    "lab_predict_fail": (
        "Predicted: backward will fail, since {grad_fn} saved {name} (of {of}) at version {saved} and it is now at "
        "version {now}."
    ),
    "lab_run_ok": "Ran: backward worked. x.grad = {grad}",
    "lab_run_fail": "Ran: backward failed. RuntimeError: {error}",
    "lab_run_agrees": "✔ The prediction and the run agree.",
    "lab_run_disagrees": "✘ The prediction and the run disagree.",
    "lab_grad_wrong": (
        "✘ But this x.grad is wrong: the true gradient of the unedited {op} is {expected}. y.data hid the edit from "
        "the version counter, so backward used the edited values without a word."
    ),
    "lab_grad_wrong_numpy": (
        "✘ But this x.grad is wrong: the true gradient of the unedited {op} is {expected}. z's own version counter hid "
        "the edit from y's, so backward used the edited values without a word."
    ),
    "lab_grad_right": "The true gradient of the unedited {op} is {expected}: x.grad matches it.",
    "lab_verdict_true": "✔ true here",
    "lab_verdict_false": "✘ false here",
    "lab_verdict_silent": "✘ false here, silently",
    "claim_shares": "“z shares data with y”",
    "claim_shares_same_storage": "z and y use the same storage: a write to one shows in the other.",
    "claim_shares_clone": ".clone() copied the data into z's own memory.",
    "claim_shares_gpu_copy": "y is on the GPU, so .cpu() copied it into host memory.",
    "claim_no_backward": "“z takes no part in backward”",
    "claim_no_backward_detached": (
        "z has requires_grad=False and no grad_fn: backward never goes through z (its writes can still reach a tensor "
        "that y.grad_fn saved)."
    ),
    "claim_no_backward_is_y": "In this mode the edits go to y itself, which is part of the graph.",
    "claim_grad_unaffected": "“The gradient of y is unaffected”",
    "claim_grad_unaffected_same": "x.grad equals the gradient of the unedited function.",
    "claim_grad_unaffected_fails": "Backward fails: a tensor y.grad_fn saved was written to after it was saved.",
    "claim_grad_unaffected_silent": (
        "x.grad is silently wrong: .data hid the write from the version counter, so backward used edited values."
    ),
    "claim_grad_unaffected_silent_rebuilt": (
        "x.grad is silently wrong: z's own version counter hid the write from y's, so backward used edited values."
    ),
    "claim_cpu_never_shares": "“.detach().cpu() never shares memory with y”",
    "claim_cpu_never_shares_copy": "y is on the GPU, so .cpu() copies it to host memory.",
    "claim_cpu_never_shares_same_tensor": (
        "y is already on the CPU, so .cpu() returns the same tensor, which shares y's memory."
    ),
    # The "not sure" answer and the model's words (world handwriting).
    "unsure_hint": (
        "? means not sure: this does not look like one digit (a dot, a scribble, two digits, a letter). The bars still "
        "show what the network gives each digit."
    ),
    "top_reading_unsure": "Not sure (?): at most {digit}, {percent}%",
    # GPU availability and fallbacks (ZeroGPU, quota).
    "gpu_lab_refused": "The GPU cannot run the lab right now ({reason}). Choose the cpu device.",
    "gpu_reason_quota": "your ZeroGPU quota for today is used up",
    "gpu_reason_duration_too_long": "the GPU time asked for is more than ZeroGPU allows",
    "gpu_reason_no_gpu_free": "no GPU is free at the moment",
    "gpu_reason_no_driver": "this server has no NVIDIA driver",
    "gpu_reason_no_gpu": "this server has no GPU",
    "gpu_reason_out_of_memory": "the GPU is out of memory",
    "gpu_reason_worker_error": "the GPU worker failed",
    "gpu_reason_scheduling": "the GPU could not be scheduled",
    "gpu_reason_error": "the GPU call failed",
    "status_gpu_fallback": "{device} (GPU unavailable: {code})",
    # Teaching the visitor's own last layer.
    "teach_heading": "**Not right? It is a …**",
    "teach_help": (
        "Choose the right digit: your own copy of the network's last layer (5,130 numbers) learns it from this drawing "
        "in a few steps. The layers below it are shared and frozen; the shared model never changes, and nobody else "
        "sees your teaching."
    ),
    "teach_your_reading": "Your model (taught by you)",
    "teach_shared_reading": "Shared model",
    "teach_forget": "Forget my teaching",
    "teach_taught": (
        "Taught: this drawing is a {digit}. Your model read it as {before_digit} ({before_percent}%) before, and reads "
        "{after_digit} ({after_percent}%) now. Lessons so far: {lessons}."
    ),
    "teach_before": "before",
    "teach_after": "after",
    "teach_probabilities": "This drawing's ten probabilities, before and after",
    "teach_loss": (
        "Loss per step: the drawing, {warps} warps of it and your earlier drawings weigh {share}%; the digit it was "
        "read as and its look-alike, {guard}% (their MNIST digits nearest your drawing); {replay} random MNIST digits "
        "and the MNIST digits nearest your drawings the rest"
    ),
    "teach_step": "step",
    "teach_time": (
        "{ms} ms on {device}: preprocessing {preprocess} ms · warps and replay batch {prepare} ms · {steps} steps "
        "{steps_ms} ms · this panel {render} ms"
    ),
    "teach_code": (
        "The exact code of the step that just ran (model/teach.py). The marked line freezes the body: its output is "
        "cut from the autograd graph, so backward() stops there and only the last layer learns."
    ),
    "teach_lab_link": "What detach() shares and what it cuts: try it in the detach() lab →",
    "teach_forgotten": "Forgotten: your readings come from the shared model again.",
    "teach_err_digit": "The digit must be a whole number from 0 to 9, not {value}.",
    "teach_err_blank": "There is nothing to teach: the drawing is blank. Draw a digit first.",
    "teach_err_no_session": "No session to teach.",
    "teach_download": "Download my layer (.safetensors)",
    "teach_upload": "Load a layer file",
    "teach_load_code": "Your layer in PyTorch's Quickstart network, with the shipped body: three lines",
    "teach_imported": (
        "Loaded your layer: your readings now come from it. This drawing reads {digit} ({percent}%) with it."
    ),
    "teach_imported_blank": "Loaded your layer: your readings now come from it.",
    "teach_nothing_to_export": "Nothing to download yet: teach a digit first.",
    "teach_err_file_missing": "No file came: choose a .safetensors file.",
    "teach_err_file_too_large": "The file is too large to be a layer ({size} KB; a layer is 21 KB).",
    "teach_err_file_pickle": "The file is a pickle (torch.save): it is not opened. Only safetensors files are read.",
    "teach_err_file_not_safetensors": "The file is not a safetensors file.",
    "teach_err_file_keys": (
        "The file must hold linear_relu_stack.4.weight and linear_relu_stack.4.bias, and nothing else (it holds: "
        "{detail})."
    ),
    "teach_err_file_shapes": "The layer must be a 10×512 weight and a 10-long bias, in floats (the file: {detail}).",
    "teach_err_file_not_finite": "The layer holds NaN or infinite numbers: it is not loaded.",
    # Messages for refused input (errors), all areas.
    "error_title": "Error",
    "drawing_empty_image": "The image is empty ({width}×{height} px).",
    "drawing_image_too_big": "The image is {width}×{height} px; the limit is {limit} px a side.",
    "drawing_decompression_bomb": "The image is too large to decode safely (limit {limit} px a side).",
    "drawing_not_an_image": "The file is not a readable image (PNG, JPEG, WebP, BMP, GIF, ...).",
    "drawing_not_a_data_url": "The drawing must arrive as a data:image/...;base64 URL.",
    "drawing_data_url_too_long": "The drawing is too large ({chars:,} characters; the limit is {limit:,}).",
    "drawing_bad_base64": "The drawing's data URL is not valid base64.",
    "drawing_array_shape": "An image array must be H×W, H×W×3 or H×W×4, not {shape}.",
    "drawing_array_dtype": "An image array must hold numbers, not {dtype}.",
    "drawing_no_local_path": "The image reference has no local path.",
    "drawing_not_an_image_value": "Expected an image, not {kind}.",
    "drawing_canvas_keys": "Unexpected canvas keys: {keys}; expected background, layers, composite.",
    "drawing_layers_not_a_list": "The canvas's layers must be a list of images.",
    # The API's refusals of a value that is not what an endpoint takes (ui/upload.py, NotSentError).
    "api_not_a_file": 'Send one image file, such as handle_file("digit.png"); this call sent {sent}.',
    "api_not_a_drawing": (
        'Send the Sketchpad dict, such as {{"background": None, "layers": [], "composite": '
        'handle_file("digit.png")}}; this call sent {sent}. (/classify takes a bare file.)'
    ),
    "api_sent_nothing": "nothing",
    "api_sent_data_url": "a data URL (send the file itself)",
    "api_sent_file": "a bare file",
    "api_sent_text": "text",
    "api_sent_other": "a value that is not a file",
    # The Train tab (ui/train_tab.py): the seed's network trained live.
    "tab_train": "Train",
    "train_heading": "### Train the seed's network yourself: PyTorch's Quickstart loop",
    "train_help": (
        "The network we were given is PyTorch's Quickstart MLP with two bugs. Pick it as given, with only its "
        "ReLU on the logits left, or fixed; pick the optimiser, learning rate, batch size, steps and seed, and "
        "press **Train**: the Quickstart's `train`/`test` loop runs here, and the loss appears every few steps "
        "and the test accuracy at each checkpoint. **Compare** trains the fixed network and the one with the "
        "ReLU on the logits on the same batches from the same start. Nothing here is written in advance: every "
        "figure comes from the run you start."
    ),
    "train_network": "Network",
    "train_net_fixed": "fixed (both bugs fixed)",
    "train_net_relu_on_logits": "the seed's, with the ReLU on the logits",
    "train_net_as_given": "the seed's, as given",
    "train_optimizer": "Optimiser (the Quickstart uses SGD)",
    "train_lr": "Learning rate",
    "train_batch_size": "Batch size (1–512)",
    "train_steps": "Steps (1–2,000)",
    "train_seed": "Seed",
    "train_button": "Train",
    "train_compare": "Compare: fixed vs ReLU on the logits",
    "train_idle": "Press Train: the loss curve grows here as the network learns.",
    "train_running": "Training…",
    "train_done": "Done.",
    "train_progress": "step {step} of {steps} · {device} · {rate} examples/s · {seconds} s of training",
    "train_gpu_asked": "This run asks ZeroGPU for {seconds} s of GPU time in all ({calls} calls).",
    "train_cpu_fallback": "The GPU could not run it ({reason}), so it trained on the CPU.",
    "train_data_torchvision": (
        "Data: MNIST through torchvision, all {train:,} training digits; test: the official {test:,} test digits."
    ),
    "train_data_shipped": (
        "Data: no MNIST download on this server, so the digits the app ships: {train:,} MNIST training digits "
        "(assets/train/mnist_train_10k.npz); test: {test:,} MNIST test digits (assets/train/mnist_test_2000.npz)."
    ),
    "train_axis_loss": "loss (mean of every {every} steps)",
    "train_axis_accuracy": "test accuracy (dots)",
    "train_axis_step": "step",
    "train_result": "{name}: {accuracy} of the test digits after {step} steps (checkpoints: {checkpoints}).",
    "train_dead": (
        "Dead classes: {classes}. Their output is ≤ 0 for every test digit, so the ReLU gives 0 and no gradient: "
        "they are never predicted and cannot learn back."
    ),
    "train_no_dead": "No dead class: every digit gets a positive output somewhere.",
    "train_error": "The seed's code as given does not build. PyTorch raises {type}: {message} (line {line}).",
    "train_fix": "The fix: line {line} becomes {fix}, the layer it meant (784 inputs, 512 outputs).",
    "train_relu_mark": (
        "The marked ReLU clamps every negative logit to 0: a class whose logits all fall below 0 gets no "
        "gradient and dies. PyTorch's Quickstart removed it in 2021."
    ),
    "train_code_heading": "**The network's code** (the class that ran)",
    "train_program_heading": "**The program that reproduces this run** (CPU; run it from the app's folder)",
    "train_program_compare": (
        "# Compare: this is the fixed network's run; for the other, add nn.ReLU() after the last nn.Linear.\n"
    ),
    "train_read_with": "Read with",
    "train_read_shipped": "the shipped model",
    "train_read_trained": "the model I trained (Train tab)",
    # Refused settings, as model/quickstart.py's TrainInputError keys ("train_err_<key>").
    "train_err_bad_network": "Unknown network {value}: choose one of {choices}.",
    "train_err_bad_optimizer": "Unknown optimiser {value}: choose one of {choices}.",
    "train_err_bad_lr": "The learning rate must be a number above 0 and at most {high}, not {value}.",
    "train_err_bad_batch_size": "The batch size must be a whole number from {low} to {high}, not {value}.",
    "train_err_bad_steps": "The number of steps must be a whole number from {low} to {high}, not {value}.",
    "train_err_bad_seed": "The seed must be a whole number from {low} to {high}, not {value}.",
}
