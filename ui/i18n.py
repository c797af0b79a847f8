"""Every word on the page, in English and Simplified Chinese (no Gradio here).

Static labels go through ``gr.I18n`` (the browser's language picks); text the server writes at run time (the
reading's captions, the lab's explanations) picks its language from the request's ``Accept-Language``.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh-CN")

# The page's header.
COMMON_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "# Touch PyTorch: a digit reader and the `detach()` lab",
        "intro": (
            "Draw a digit and watch a small neural network, running on {device}, read it as you draw; then edit a "
            "detached tensor and see what really happens to the original."
        ),
        "device_cpu": "this server's CPU",
        "device_cuda": "this server's GPU",
        "device_mps": "this Mac's GPU (Apple MPS)",
    },
    "zh-CN": {
        "title": "# 动手摸 PyTorch：数字识别与 `detach()` 实验室",
        "intro": (
            "画一个数字，看运行在{device}上的小神经网络边画边识别；"
            "再修改一个 detach 出来的张量，看看原张量到底会不会变。"
        ),
        "device_cpu": "本服务器的 CPU",
        "device_cuda": "本服务器的 GPU",
        "device_mps": "这台 Mac 的 GPU（Apple MPS）",
    },
}

# The Draw tab (canvas, reading, upload).
DRAW_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "tab_draw": "Draw",
        "draw_heading": "### Draw a digit (0–9)",
        "draw_help": (
            "Draw big, in the middle, with one or two strokes. The network is PyTorch's Quickstart MLP "
            "(784→512→512→10), trained to 99.4% on MNIST. Your drawing is cropped, scaled to 20 px and "
            "centred by its centre of mass, exactly as MNIST's digits were made."
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
    },
    "zh-CN": {
        "tab_draw": "手写",
        "draw_heading": "### 画一个数字（0–9）",
        "draw_help": (
            "在画布中间画大一点，一两笔即可。网络是 PyTorch 快速入门中的多层感知机（784→512→512→10），"
            "在 MNIST 上训练到 99.4%。你的画会被裁剪、缩放到 20 "
            "像素，并按质心居中，和 MNIST 数字的制作方式完全一样。"
        ),
        "reading": "网络的识别结果",
        "insight_heading": "### 网络看到了什么、想了什么",
        "status_preprocess": "预处理",
        "status_forward": "前向",
        "status_total": "总计",
        "draw_prompt": "在画布上画一个数字：边画边出结果。",
        "cap_input": "网络实际收到的输入（28×28）",
        "cap_region": "你的图片：框出的部分就是被读取的内容",
        "cap_saliency": "显著性：最能改变最高分的像素",
        "cap_hidden1": "隐藏层 1（512 个 ReLU 单元）",
        "cap_hidden2": "隐藏层 2（512 个 ReLU 单元）",
        "upload_heading": "或者上传一张数字的照片或扫描件",
        "upload": "数字图片（PNG、JPEG、WebP）",
        "canvas_brush": "画笔",
        "canvas_eraser": "橡皮擦",
        "canvas_undo": "撤销",
        "canvas_clear": "清空",
        "canvas_examples": "MNIST 示例：",
        "canvas_label": "画布：用鼠标、手写笔或手指写一个数字",
        "canvas_example": "示例：数字 {digit}",
        "top_reading": "网络认为是 {digit}（把握 {percent}%）",
        "top_reading_none": "网络还没有读到数字",
    },
}

# The detach() lab tab.
LAB_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "tab_lab": "detach() lab",
        "lab_heading": "### What does `z = y.detach()` share with `y`?",
        "lab_help": (
            "`x` requires grad, `y` is computed from `x`, and `z` is made from `y`. Edit `z`: type a number in a cell "
            "and press Enter (each Enter is one write, `z[i] = v`). The page re-runs the experiment with real PyTorch "
            "after each write and shows what changed."
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
            "Pitfall: torch.tensor([1., 2., 3.], requires_grad=True).cuda() makes x the output of a copy, i.e. a "
            "non-leaf tensor, so after backward x.grad stays None (and reading it gives a UserWarning). Create it on "
            'the GPU directly instead: torch.tensor([1., 2., 3.], requires_grad=True, device="cuda").'
        ),
        "lab_version_counts": (
            "`_version` counts writes, not changes: every in-place write to a tensor adds 1 to the counter it shares "
            "with every tensor on the same storage (not with `.data`), even when the value written is the one "
            "already there. Your edits are kept in order as this experiment's history (the `z[i] = v` lines of "
            "the program); Reset clears them."
        ),
        "lab_history_empty": "No writes yet.",
        "lab_graph": "The autograd graph and what it saved",
        "lab_claims": "Common claims about detach(), checked on this run",
        "lab_backward": "Backward: predicted, then run",
        "lab_no_results": "No results: the inputs above were refused.",
        # Error messages ({what} names the value as the page does: "x value 2", "z[2]", "edit 3").
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
            "{what}: index {index} is out of range for z with {length} elements "
            "(use 0 to {last}, or -{length} to -1 to count from the end)"
        ),
        "lab_err_length": "length of z must be an integer from 1 to {max}, got {value}",
        "lab_err_edits_type": "edits must be a list of [index, value] pairs, got {value}",
        "lab_err_too_many_edits": "too many edits: {count} given, at most {max} are allowed",
        "lab_err_pair": "{what}: expected an [index, value] pair, got {value}",
        "lab_err_choice": "unknown {name} {value}: choose one of {allowed}",
        "lab_err_no_cuda": 'CUDA is not available on this server: use device "cpu"',
        # Why this run went as it did (lab.detach reports the keys and their parameters).
        "lab_why_clone_fresh": (
            ".clone() copies the data into new memory, so z never shares storage with y and an edit to z will not "
            "reach y."
        ),
        "lab_why_cpu_copy_fresh": (
            "y is on the GPU ({device}), so .cpu() copies it into host memory: z is a separate tensor and an edit to "
            "z will not reach y."
        ),
        "lab_why_cpu_same_fresh": (
            "y is on the CPU, so .cpu() returns the very tensor that y.detach() gave: z still shares y's storage and "
            "version counter, so an edit to z will show up in y."
        ),
        "lab_why_detach_fresh": (
            "z = y.detach() is a new tensor without autograd history, but it shares y's storage and version counter, "
            "so an edit to z will show up in y."
        ),
        "lab_why_data_fresh": (
            "z = y.data shares y's storage but not its version counter: an edit to z will show up in y, and autograd "
            "will not notice it."
        ),
        "lab_why_nograd_fresh": (
            "This mode has no second tensor: each edit writes into y itself inside torch.no_grad(). no_grad stops "
            "autograd from recording the write, but the write still counts in y's version counter."
        ),
        "lab_why_try": "Edit z to see whether y changes and whether y.sum().backward() still works.",
        "lab_why_cpu_prefix": "On a CPU tensor .cpu() returns the same tensor, so ",
        "lab_why_shared_changed": (
            "{cpu}z and y share storage: editing z changed y, and both version counters went up to {version}."
        ),
        "lab_why_shared_same": (
            "{cpu}z and y share storage: the edit wrote into y's memory (with values y already had, so y looks the "
            "same), and both version counters went up to {version}."
        ),
        "lab_why_data_edited": (
            "z = y.data shares y's storage, so the edit changed y, but not y's version counter: z._version went up "
            "to {z_version} while y._version stayed at {y_version}, so autograd cannot tell that y changed."
        ),
        "lab_why_nograd_edited": (
            "The edit wrote into y under torch.no_grad(): autograd did not record it as an operation, but "
            "y._version still went up to {version}."
        ),
        "lab_why_clone_prefix": "z is a clone with its own memory: ",
        "lab_why_copy_prefix": "y is on the GPU ({device}), so .cpu() copied it into host memory: ",
        "lab_why_not_changed": (
            "editing z did not change y; z's version counter went up to {z} while y's stayed at {y}."
        ),
        "lab_why_backward_failed": (
            "Backward failed: {op} saved its output y for the backward pass, and the in-place write bumped y's "
            "version counter, so autograd refuses to use the changed value."
        ),
        "lab_why_data_wrong": (
            "Backward ran without complaint, but {op} saved y and read the edited values: x.grad is wrong, and "
            "nothing warned you. This is why detach() replaced .data."
        ),
        "lab_why_backward_untouched": "Backward works: y itself was never modified, so x.grad is unaffected.",
        "lab_why_backward_mul": (
            "Backward still works: x * 2 multiplies by a constant and saves nothing of y for the backward pass, so "
            "x.grad is 2 everywhere."
        ),
        "lab_why_backward_pow": (
            "Backward still works: x ** 2 saves x, not y, for the backward pass, so x.grad = 2x is unaffected."
        ),
        "lab_why_backward_ok": "Backward still works.",
        # The graph.
        "lab_graph_caption": (
            "Read from y.grad_fn: each box to the right of the backward node is a tensor it saved ({names}); red "
            "when the tensor's version moved since it was saved."
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
        # Backward, predicted then run.
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
            "✘ But this x.grad is wrong: the true gradient of the unedited {op} is {expected}. y.data hid the edit "
            "from the version counter, so backward used the edited values without a word."
        ),
        "lab_grad_right": "The true gradient of the unedited {op} is {expected}: x.grad matches it.",
        # The common claims.
        "lab_verdict_true": "✔ true here",
        "lab_verdict_false": "✘ false here",
        "lab_verdict_silent": "✘ false here, silently",
        "claim_shares": "“z shares data with y”",
        "claim_shares_same_storage": "z and y use the same storage: a write to one shows in the other.",
        "claim_shares_clone": ".clone() copied the data into z's own memory.",
        "claim_shares_gpu_copy": "y is on the GPU, so .cpu() copied it into host memory.",
        "claim_no_backward": "“z takes no part in backward”",
        "claim_no_backward_detached": (
            "z has requires_grad=False and no grad_fn: backward never goes through z (its writes can still reach a "
            "tensor that y.grad_fn saved)."
        ),
        "claim_no_backward_is_y": "In this mode the edits go to y itself, which is part of the graph.",
        "claim_grad_unaffected": "“The gradient of y is unaffected”",
        "claim_grad_unaffected_same": "x.grad equals the gradient of the unedited function.",
        "claim_grad_unaffected_fails": "Backward fails: a tensor y.grad_fn saved was written to after it was saved.",
        "claim_grad_unaffected_silent": (
            "x.grad is silently wrong: .data hid the write from the version counter, so backward used edited values."
        ),
        "claim_cpu_never_shares": "“.detach().cpu() never shares memory with y”",
        "claim_cpu_never_shares_copy": "y is on the GPU, so .cpu() copies it to host memory.",
        "claim_cpu_never_shares_same_tensor": (
            "y is already on the CPU, so .cpu() returns the same tensor, which shares y's memory."
        ),
    },
    "zh-CN": {
        "tab_lab": "detach() 实验室",
        "lab_heading": "### `z = y.detach()` 和 `y` 共享了什么？",
        "lab_help": (
            "`x` 需要梯度，`y` 由 `x` 算出，`z` 由 `y` 得到。修改 `z`：在格子里输入一个数并按回车"
            "（每按一次回车就是一次写入 `z[i] = v`）。"
            "每次写入后页面都会用真实的 PyTorch 重新运行实验，并显示发生了什么变化。"
        ),
        "lab_x": "x 的值（1 到 16 个数）",
        "lab_op": "y 的计算方式",
        "lab_mode": "z 的得到方式",
        "lab_device": "设备",
        "lab_z_table": "**z** —— 输入一个数，按回车",
        "lab_reset": "重置",
        "lab_printed": "print(y) 与 print(z)",
        "lab_facts": "事实",
        "lab_grad": "y.sum().backward() → x.grad",
        "lab_code": "复现本次运行的程序",
        "lab_output": "程序输出",
        "lab_pitfall_heading": "在 GPU 上创建 x",
        "fact": "项目",
        "lab_pitfall": (
            "陷阱：torch.tensor([1., 2., 3.], requires_grad=True).cuda() 得到的 x 是一次复制的结果，即非叶子张量，"
            "所以 backward 之后 x.grad 仍是 None（读取它时还会发出 UserWarning）。应直接在 GPU 上创建："
            'torch.tensor([1., 2., 3.], requires_grad=True, device="cuda")。'
        ),
        "lab_version_counts": (
            "`_version` 计的是写入次数，而不是值的变化：每一次原地写入都会让计数器加 1，同一存储上的所有张量共享"
            "这个计数器"
            "（`.data` 除外），即使写入的值和原来的一样也算。你的修改按顺序记为这次实验的历史（程序里的 `z[i] = v"
            "` 行）；"
            "重置会清空它们。"
        ),
        "lab_history_empty": "还没有写入。",
        "lab_graph": "autograd 计算图及其保存的张量",
        "lab_claims": "关于 detach() 的常见说法，用这次运行来检验",
        "lab_backward": "反向传播：先预测，再运行",
        "lab_no_results": "没有结果：上面的输入被拒绝了。",
        "lab_what_x": "x 的第 {n} 个值",
        "lab_what_edit": "第 {n} 次修改",
        "lab_what_edit_value": "第 {n} 次修改的值",
        "lab_what_cell": "z[{index}]",
        "lab_err_not_number": "{what} 是 {value}，不是数字（例如 3、-1.5、2e-3）",
        "lab_err_empty_value": "{what} 是空的：请输入一个数（例如 3、-1.5、2e-3）",
        "lab_err_nonfinite": "{what} 是 {value}：必须是有限的数（不能是 NaN 或无穷大）",
        "lab_err_float32": "{what} 是 {value}：数值必须在 float32 范围内（-{max} 到 {max}）",
        "lab_err_too_large": "{what} 太大了：数值必须在 float32 范围内（-{max} 到 {max}）",
        "lab_err_must_be_number": "{what} 必须是数字，收到的是 {value}",
        "lab_err_x_type": "x 必须是像 {example} 这样的文本，收到的是 {value}",
        "lab_err_x_list_type": "x 必须是像 {example} 这样的文本或一个数字列表，收到的是 {value}",
        "lab_err_x_too_long": "x 太长了（{chars} 个字符）：请给出 1 到 {max} 个数，例如 {example}",
        "lab_err_x_empty": "x 是空的：请给出 1 到 {max} 个用逗号分隔的数，例如 {example}",
        "lab_err_x_list_empty": "x 是空的：请给出 1 到 {max} 个数",
        "lab_err_x_too_many": "x 的数太多了：给了 {count} 个，最多允许 {max} 个",
        "lab_err_index": "{what}：下标必须是整数，收到的是 {value}",
        "lab_err_index_range": (
            "{what}：下标 {index} 超出了 z 的范围（z 有 {length} 个元素，可用 0 到 {last}，或用 -{length} 到 -1 "
            "从末尾数）"
        ),
        "lab_err_length": "z 的长度必须是 1 到 {max} 的整数，收到的是 {value}",
        "lab_err_edits_type": "edits 必须是 [下标, 值] 对的列表，收到的是 {value}",
        "lab_err_too_many_edits": "修改太多了：给了 {count} 次，最多允许 {max} 次",
        "lab_err_pair": "{what}：应为 [下标, 值] 对，收到的是 {value}",
        "lab_err_choice": "未知的 {name} {value}：请从 {allowed} 中选一个",
        "lab_err_no_cuda": '这台服务器没有可用的 CUDA：请使用 device "cpu"',
        "lab_why_clone_fresh": ".clone() 把数据复制到新的内存，所以 z 从不与 y 共享存储，修改 z 不会影响 y。",
        "lab_why_cpu_copy_fresh": (
            "y 在 GPU（{device}）上，所以 .cpu() 会把它复制到主机内存：z 是独立的张量，修改 z 不会影响 y。"
        ),
        "lab_why_cpu_same_fresh": (
            "y 在 CPU 上，所以 .cpu() 直接返回 y.detach() 得到的那个张量：z 仍与 y 共享存储和版本计数器，修改 z "
            "会反映到 y 上。"
        ),
        "lab_why_detach_fresh": (
            "z = y.detach() 是一个没有 autograd 历史的新张量，但它与 y 共享存储和版本计数器，所以修改 z 会反映到 y 上。"
        ),
        "lab_why_data_fresh": (
            "z = y.data 与 y 共享存储，但不共享版本计数器：修改 z 会反映到 y 上，而 autograd 察觉不到。"
        ),
        "lab_why_nograd_fresh": (
            "这种方式没有第二个张量：每次修改都在 torch.no_grad() 里直接写进 y。no_grad 让 autograd 不记录这次写入，"
            "但这次写入仍然计入 y 的版本计数器。"
        ),
        "lab_why_try": "修改 z，看看 y 是否改变，以及 y.sum().backward() 是否仍能运行。",
        "lab_why_cpu_prefix": "在 CPU 张量上 .cpu() 返回同一个张量，所以",
        "lab_why_shared_changed": "{cpu}z 与 y 共享存储：修改 z 改变了 y，两者的版本计数器都增加到了 {version}。",
        "lab_why_shared_same": (
            "{cpu}z 与 y 共享存储：这次修改写进了 y 的内存（写入的值与原值相同，所以 y 看起来没变），"
            "两者的版本计数器都增加到了 {version}。"
        ),
        "lab_why_data_edited": (
            "z = y.data 与 y 共享存储，所以修改改变了 y，但 y 的版本计数器没有变：z._version 增加到了 {z_version}，"
            "而 y._version 仍是 {y_version}，所以 autograd 看不出 y 被改过。"
        ),
        "lab_why_nograd_edited": (
            "这次修改是在 torch.no_grad() 下写进 y 的：autograd 没有把它记录为一次运算，但 y._version 仍增加到了 "
            "{version}。"
        ),
        "lab_why_clone_prefix": "z 是 clone 出来的副本，有自己的内存：",
        "lab_why_copy_prefix": "y 在 GPU（{device}）上，所以 .cpu() 把它复制到了主机内存：",
        "lab_why_not_changed": "修改 z 没有改变 y；z 的版本计数器增加到了 {z}，而 y 的仍是 {y}。",
        "lab_why_backward_failed": (
            "反向传播失败：{op} 为反向传播保存了输出 y，而原地写入增加了 y 的版本计数器，所以 autograd 拒绝使用被"
            "改动的值。"
        ),
        "lab_why_data_wrong": (
            "反向传播没有报错，但 {op} 保存了 y，读到的是被改过的值：x.grad 是错的，而且没有任何提示。"
            "这正是 detach() 取代 .data 的原因。"
        ),
        "lab_why_backward_untouched": "反向传播成功：y 本身从未被修改，所以 x.grad 不受影响。",
        "lab_why_backward_mul": "反向传播仍然成功：x * 2 只是乘以常数，没有为反向传播保存 y，所以 x.grad 处处为 2。",
        "lab_why_backward_pow": (
            "反向传播仍然成功：x ** 2 为反向传播保存的是 x 而不是 y，所以 x.grad = 2x 不受这次修改影响。"
        ),
        "lab_why_backward_ok": "反向传播仍然成功。",
        "lab_graph_caption": (
            "读自 y.grad_fn：反向节点右侧的每个框是它保存的一个张量（{names}）；保存后版本变了就标红。"
        ),
        "lab_graph_saved": "保存时",
        "lab_graph_now": "现在",
        "lab_graph_of": "是",
        "lab_graph_constant": "常数",
        "lab_graph_nothing_saved": "没有保存张量",
        "lab_graph_shares": "与 y 同一存储",
        "lab_graph_data": "y 的存储，独立 _version",
        "lab_graph_copy": "独立内存",
        "lab_graph_is_y": "z 就是 y",
        "lab_graph_leaf": "叶子",
        "lab_predict_ok": "预测：反向传播会成功，因为 {grad_fn} 保存的每个张量都还是保存时的版本。",
        "lab_predict_fail": (
            "预测：反向传播会失败，因为 {grad_fn} 在版本 {saved} 时保存了 {name}（即 {of}），而它现在是版本 {now}。"
        ),
        "lab_run_ok": "运行：反向传播成功。x.grad = {grad}",
        "lab_run_fail": "运行：反向传播失败。RuntimeError: {error}",
        "lab_run_agrees": "✔ 预测与运行结果一致。",
        "lab_run_disagrees": "✘ 预测与运行结果不一致。",
        "lab_grad_wrong": (
            "✘ 但这个 x.grad 是错的：未修改的 {op} 的真实梯度是 {expected}。y.data 让版本计数器看不到这次修改，"
            "所以反向传播悄悄用了被改过的值。"
        ),
        "lab_grad_right": "未修改的 {op} 的真实梯度是 {expected}：x.grad 与之相同。",
        "lab_verdict_true": "✔ 此处成立",
        "lab_verdict_false": "✘ 此处不成立",
        "lab_verdict_silent": "✘ 此处不成立，而且没有报错",
        "claim_shares": "“z 与 y 共享数据”",
        "claim_shares_same_storage": "z 和 y 使用同一块存储：写入其中一个，另一个也会变。",
        "claim_shares_clone": ".clone() 把数据复制到了 z 自己的内存里。",
        "claim_shares_gpu_copy": "y 在 GPU 上，所以 .cpu() 把它复制到了主机内存。",
        "claim_no_backward": "“z 不参与反向传播”",
        "claim_no_backward_detached": (
            "z 的 requires_grad=False，也没有 grad_fn：反向传播从不经过 z（但它的写入仍可能改到 y.grad_fn 保存的"
            "张量）。"
        ),
        "claim_no_backward_is_y": "这种方式下修改直接写进 y，而 y 是计算图的一部分。",
        "claim_grad_unaffected": "“y 的梯度不受影响”",
        "claim_grad_unaffected_same": "x.grad 与未修改函数的梯度相同。",
        "claim_grad_unaffected_fails": "反向传播失败：y.grad_fn 保存的张量在保存之后被写入过。",
        "claim_grad_unaffected_silent": "x.grad 悄悄地错了：.data 让版本计数器看不到写入，反向传播用了被改过的值。",
        "claim_cpu_never_shares": "“.detach().cpu() 从不与 y 共享内存”",
        "claim_cpu_never_shares_copy": "y 在 GPU 上，所以 .cpu() 把它复制到主机内存。",
        "claim_cpu_never_shares_same_tensor": "y 本来就在 CPU 上，所以 .cpu() 返回同一个张量，与 y 共享内存。",
    },
}

# The "not sure" answer and the model's words (world handwriting).
MODEL_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "unsure_hint": (
            "? means not sure: this does not look like one digit (a dot, a scribble, two digits, a letter). "
            "The bars still show what the network gives each digit."
        ),
        "top_reading_unsure": "Not sure (?): at most {digit}, {percent}%",
    },
    "zh-CN": {
        "unsure_hint": (
            "? 表示不确定：这看起来不像一个数字（一个点、乱涂、两个数字或一个字母）。条形仍显示网络给每个数字的概率。"
        ),
        "top_reading_unsure": "不确定（?）：最多像 {digit}，{percent}%",
    },
}

# GPU availability and fallbacks (ZeroGPU, quota).
GPU_TEXTS: dict[str, dict[str, str]] = {
    "en": {
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
        "gpu_unavailable": "GPU unavailable",
    },
    "zh-CN": {
        "gpu_lab_refused": "GPU 现在无法运行实验（{reason}）。请选择 cpu 设备。",
        "gpu_reason_quota": "你今天的 ZeroGPU 配额已用完",
        "gpu_reason_duration_too_long": "申请的 GPU 时长超过了 ZeroGPU 的上限",
        "gpu_reason_no_gpu_free": "目前没有空闲的 GPU",
        "gpu_reason_no_driver": "这台服务器没有 NVIDIA 驱动",
        "gpu_reason_no_gpu": "这台服务器没有 GPU",
        "gpu_reason_out_of_memory": "GPU 显存不足",
        "gpu_reason_worker_error": "GPU 工作进程出错",
        "gpu_reason_scheduling": "无法调度 GPU",
        "gpu_reason_error": "GPU 调用失败",
        "gpu_unavailable": "GPU 不可用",
    },
}

# Teaching the visitor's own last layer.
TEACH_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "teach_heading": "**Not right? It is a …**",
        "teach_help": (
            "Choose the right digit: your own copy of the network's last layer (5,130 numbers) learns it from this "
            "drawing in a few steps. The layers below it are shared and frozen; the shared model never changes, and "
            "nobody else sees your teaching."
        ),
        "teach_your_reading": "Your model (taught by you)",
        "teach_shared_reading": "Shared model",
        "teach_forget": "Forget my teaching",
        "teach_taught": (
            "Taught: this drawing is a {digit}. Your model read it as {before_digit} ({before_percent}%) before, "
            "and reads {after_digit} ({after_percent}%) now. Lessons so far: {lessons}."
        ),
        "teach_before": "before",
        "teach_after": "after",
        "teach_probabilities": "This drawing's ten probabilities, before and after",
        "teach_loss": (
            "Loss per step: the drawing, {warps} warps of it and your earlier drawings weigh {share}%, "
            "{replay} random MNIST digits and the MNIST digits nearest your drawings the rest"
        ),
        "teach_step": "step",
        "teach_time": (
            "{ms} ms on {device}: preprocessing {preprocess} ms · warps and replay batch {prepare} ms · "
            "{steps} steps {steps_ms} ms · this panel {render} ms"
        ),
        "teach_code": (
            "The exact code of the step that just ran (model/teach.py). The marked line freezes the body: its output "
            "is cut from the autograd graph, so backward() stops there and only the last layer learns."
        ),
        "teach_lab_link": "What detach() shares and what it cuts: try it in the detach() lab →",
        "teach_forgotten": "Forgotten: your readings come from the shared model again.",
        "teach_err_digit": "The digit must be a whole number from 0 to 9, not {value}.",
        "teach_err_blank": "There is nothing to teach: the drawing is blank. Draw a digit first.",
    },
    "zh-CN": {
        "teach_heading": "**读错了？它其实是……**",
        "teach_help": (
            "选出正确的数字：你自己的一份网络最后一层（5,130 个数）会用这幅画学习几步。它下面的各层是共享且冻结的；"
            "共享模型永远不变，别人也看不到你的教学。"
        ),
        "teach_your_reading": "你的模型（你教过的）",
        "teach_shared_reading": "共享模型",
        "teach_forget": "忘掉我的教学",
        "teach_taught": (
            "已教：这幅画是 {digit}。你的模型之前读成 {before_digit}（{before_percent}%），"
            "现在读成 {after_digit}（{after_percent}%）。已教 {lessons} 次。"
        ),
        "teach_before": "之前",
        "teach_after": "之后",
        "teach_probabilities": "这幅画的十个概率：教之前与教之后",
        "teach_loss": (
            "每一步的损失：这幅画、它的 {warps} 个变形和你之前的画占 {share}%，"
            "{replay} 个随机 MNIST 数字和与你的画最接近的 MNIST 数字占其余"
        ),
        "teach_step": "步",
        "teach_time": (
            "{ms} ms，在 {device} 上：预处理 {preprocess} ms · 变形与回放批次 {prepare} ms · "
            "{steps} 步 {steps_ms} ms · 本面板 {render} ms"
        ),
        "teach_code": (
            "刚刚运行的那一步的完整代码（model/teach.py）。标出的那一行冻结了主体：它的输出被从自动求导图中切断，"
            "backward() 到此为止，只有最后一层在学习。"
        ),
        "teach_lab_link": "detach() 共享什么、切断什么：去 detach() 实验室试试 →",
        "teach_forgotten": "已忘掉：识别结果重新来自共享模型。",
        "teach_err_digit": "数字必须是 0 到 9 的整数，而不是 {value}。",
        "teach_err_blank": "没有可教的内容：画面是空的。请先画一个数字。",
    },
}

# Messages for refused input (errors), all areas.
ERROR_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "error_title": "Error",
        # model/preprocess.py DRAWING_ERRORS, as "drawing_<key>" (tests check the two stay the same).
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
    },
    "zh-CN": {
        "error_title": "出错了",
        "drawing_empty_image": "图片是空的（{width}×{height} 像素）。",
        "drawing_image_too_big": "图片是 {width}×{height} 像素，每边最多 {limit} 像素。",
        "drawing_decompression_bomb": "图片太大，无法安全解码（每边最多 {limit} 像素）。",
        "drawing_not_an_image": "这个文件不是能读取的图片（PNG、JPEG、WebP、BMP、GIF 等）。",
        "drawing_not_a_data_url": "画布内容必须以 data:image/...;base64 URL 的形式发送。",
        "drawing_data_url_too_long": "画布内容太大（{chars:,} 个字符，上限为 {limit:,}）。",
        "drawing_bad_base64": "画布内容的 data URL 不是有效的 base64。",
        "drawing_array_shape": "图像数组的形状必须是 H×W、H×W×3 或 H×W×4，而不是 {shape}。",
        "drawing_array_dtype": "图像数组必须存放数值，而不是 {dtype}。",
        "drawing_no_local_path": "图片引用没有本地路径。",
        "drawing_not_an_image_value": "需要一张图片，而不是 {kind}。",
        "drawing_canvas_keys": "画布里有未知的键：{keys}；应为 background、layers、composite。",
        "drawing_layers_not_a_list": "画布的 layers 必须是图片列表。",
    },
}

_SECTIONS = (COMMON_TEXTS, DRAW_TEXTS, LAB_TEXTS, MODEL_TEXTS, GPU_TEXTS, TEACH_TEXTS, ERROR_TEXTS)
#: Every word of the page, by language: the sections above merged (a key must be unique across sections).
TEXTS: dict[str, dict[str, str]] = {
    language: {key: words for section in _SECTIONS for key, words in section[language].items()}
    for language in LANGUAGES
}


# The lab's fact names (the first column of its table), for the Chinese page; PyTorch's own names stay visible.
FACT_NAMES_ZH = {
    "device": "设备 device",
    "shares storage with the other": "与另一方共享存储",
    "_version": "版本计数器 _version",
    "requires_grad": "需要梯度 requires_grad",
    "grad_fn": "梯度函数 grad_fn",
    "is_leaf": "叶子节点 is_leaf",
}


def fact_name(name: str, language: str) -> str:
    """A fact's name in ``language``."""
    return FACT_NAMES_ZH.get(name, name) if language == "zh-CN" else name


def language_from_header(accept_language: str | None) -> str:
    """``"zh-CN"`` when the browser prefers Chinese (any ``zh`` tag ranked above English), else ``"en"``."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return "en"


def text(key: str, language: str) -> str:
    """One string in ``language`` (falling back to English)."""
    return TEXTS.get(language, TEXTS["en"]).get(key, TEXTS["en"][key])


def canvas_texts() -> dict[str, dict[str, str]]:
    """The canvas's own words, for its JavaScript (which picks by ``navigator.language``)."""
    keys = {"brush": "canvas_brush", "eraser": "canvas_eraser", "undo": "canvas_undo", "clear": "canvas_clear"}
    keys |= {"examples": "canvas_examples", "canvas": "canvas_label", "example": "canvas_example"}
    return {lang: {short: TEXTS[lang][key] for short, key in keys.items()} for lang in LANGUAGES}
