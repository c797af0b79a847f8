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
            "`x` requires grad, `y` is computed from `x`, and `z` is made from `y`. Edit `z` in the table: "
            "the page re-runs the experiment with real PyTorch after each edit and shows what changed."
        ),
        "lab_x": "x values (1 to 16 numbers)",
        "lab_op": "How y is made",
        "lab_mode": "How z is made",
        "lab_device": "Device",
        "lab_z_table": "z — edit the numbers",
        "lab_reset": "Reset",
        "lab_printed": "print(y) and print(z)",
        "lab_facts": "The facts",
        "lab_grad": "y.sum().backward() → x.grad",
        "lab_code": "The program that reproduces this run",
        "lab_output": "Its output",
        "lab_pitfall_heading": "Creating x on a GPU",
        "fact": "fact",
    },
    "zh-CN": {
        "tab_lab": "detach() 实验室",
        "lab_heading": "### `z = y.detach()` 和 `y` 共享了什么？",
        "lab_help": (
            "`x` 需要梯度，`y` 由 `x` 算出，`z` 由 `y` 得到。在表格里修改 `z`："
            "每次修改后页面都会用真实的 PyTorch 重新运行实验，并显示发生了什么变化。"
        ),
        "lab_x": "x 的值（1 到 16 个数）",
        "lab_op": "y 的计算方式",
        "lab_mode": "z 的得到方式",
        "lab_device": "设备",
        "lab_z_table": "z —— 修改这些数",
        "lab_reset": "重置",
        "lab_printed": "print(y) 与 print(z)",
        "lab_facts": "事实",
        "lab_grad": "y.sum().backward() → x.grad",
        "lab_code": "复现本次运行的程序",
        "lab_output": "程序输出",
        "lab_pitfall_heading": "在 GPU 上创建 x",
        "fact": "项目",
    },
}

# The "not sure" answer and the model's words (world handwriting).
MODEL_TEXTS: dict[str, dict[str, str]] = {"en": {}, "zh-CN": {}}

# GPU availability and fallbacks (ZeroGPU, quota).
GPU_TEXTS: dict[str, dict[str, str]] = {"en": {}, "zh-CN": {}}

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
        "teach_shared_reading": "Shared model (everyone's)",
        "teach_forget": "Forget my teaching",
        "teach_taught": (
            "Taught: this drawing is a {digit}. Your model read it as {before_digit} ({before_percent}%) before, "
            "and reads {after_digit} ({after_percent}%) now. Lessons so far: {lessons}."
        ),
        "teach_before": "before",
        "teach_after": "after",
        "teach_probabilities": "This drawing's ten probabilities, before and after",
        "teach_loss": "Loss per step (the drawing, {warps} warps of it, your earlier drawings, {replay} MNIST digits)",
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
        "teach_shared_reading": "共享模型（所有人的）",
        "teach_forget": "忘掉我的教学",
        "teach_taught": (
            "已教：这幅画是 {digit}。你的模型之前读成 {before_digit}（{before_percent}%），"
            "现在读成 {after_digit}（{after_percent}%）。已教 {lessons} 次。"
        ),
        "teach_before": "之前",
        "teach_after": "之后",
        "teach_probabilities": "这幅画的十个概率：教之前与教之后",
        "teach_loss": "每一步的损失（这幅画、它的 {warps} 个变形、你之前的画、{replay} 个 MNIST 数字）",
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
