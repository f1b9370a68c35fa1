"""ONNX export (opset 17, fixed input size), weight quantization by graph editing, integrity data."""
from __future__ import annotations

import hashlib
import os
from typing import Dict, List, Optional

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def export_onnx(module: torch.nn.Module, args: tuple, path: str, input_names: List[str], output_names: List[str],
                pads_by_layer: Optional[Dict[str, List[int]]] = None):
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                          opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(path)
    if pads_by_layer:
        m = fold_zero_pads(m, pads_by_layer)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return path


def fold_zero_pads(m: onnx.ModelProto, pads_by_layer: Dict[str, List[int]]) -> onnx.ModelProto:
    """Folds the explicit zero Pads of TF-'same' convolutions into the Conv nodes' own `pads` (which, unlike
    PyTorch's Conv2d, may be asymmetric: [top, left, bottom, right]). torch exports F.pad with its amounts
    computed by a chain of shape ops, so the amounts come from the network definition (`pads_by_layer`, keyed
    by the trunk layer name in the node name, e.g. /trunk/conv_dw_2/Pad). The WASM profile showed the separate
    Pads cost ~6 % of inference; outputs are identical (checked against PyTorch after export)."""
    g = m.graph
    consumers: Dict[str, list] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    drop = []
    for n in g.node:
        if n.op_type != "Pad":
            continue
        parts = n.name.strip("/").split("/")
        layer = parts[-2] if len(parts) >= 2 else ""
        users = consumers.get(n.output[0], [])
        if layer not in pads_by_layer or len(users) != 1 or users[0].op_type != "Conv":
            continue
        conv = users[0]
        if any(a.name == "pads" and any(a.ints) for a in conv.attribute):
            continue
        for a in list(conv.attribute):
            if a.name in ("pads", "auto_pad"):
                conv.attribute.remove(a)
        conv.attribute.append(helper.make_attribute("pads", list(pads_by_layer[layer])))
        conv.input[0] = n.input[0]
        drop.append(n)
    for n in drop:
        g.node.remove(n)
    # the shape-op chains that computed the pad amounts are now dead: remove them
    live = {o.name for o in g.output}
    keep = []
    for n in reversed(list(g.node)):
        if any(o in live for o in n.output):
            keep.append(n)
            live.update(_node_inputs(n))
    dead = [n for n in g.node if n not in keep]
    for n in dead:
        g.node.remove(n)
    used = {i for n in g.node for i in _node_inputs(n)}
    for init in list(g.initializer):
        if init.name not in used:
            g.initializer.remove(init)
    return m


def _node_inputs(n: onnx.NodeProto) -> set:
    """A node's inputs, including the outer-scope names its subgraphs (an If's branches) read."""
    names = {i for i in n.input if i}
    for a in n.attribute:
        for sub in ([a.g] if a.type == onnx.AttributeProto.GRAPH else list(a.graphs)):
            for m in sub.node:
                names |= _node_inputs(m)
    return names


def _swap_and_save(m: onnx.ModelProto, drop, new_inits, new_nodes, dst: str) -> str:
    """Replaces initializers by their stored forms and puts the nodes that restore them first in the graph."""
    g = m.graph
    for d in drop:
        g.initializer.remove(d)
    g.initializer.extend(new_inits)
    for i, n in enumerate(new_nodes):
        g.node.insert(i, n)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return dst


def fp16_weights(src: str, dst: str, min_elems: int = 16) -> str:
    """Stores float32 weights as float16 with a Cast back to float32 in the graph: half the download, fp32
    compute (so adapters without shader-f16 and the WASM backend run it unchanged)."""
    m = onnx.load(src)
    g = m.graph
    casts, new_inits, drop = [], [], []
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= min_elems:
            arr = numpy_helper.to_array(init).astype(np.float16)
            new_inits.append(numpy_helper.from_array(arr, init.name + "__fp16"))
            casts.append(helper.make_node("Cast", [init.name + "__fp16"], [init.name], to=TensorProto.FLOAT,
                                          name=init.name + "__cast"))
            drop.append(init)
    return _swap_and_save(m, drop, new_inits, casts, dst)


def int8_conv_weights(src: str, dst: str, min_elems: int = 16384) -> str:
    """Per-output-channel symmetric int8 Conv weights with DequantizeLinear (QDQ) in front: a quarter of the
    download. Only the large 1x1 (pointwise) kernels are quantized: they hold ~95 % of the weights, while int8
    depthwise 3x3 kernels and the first conv lose too much (correlation fell to 0.986 with them). Other float
    weights are stored as float16 + Cast. (ORT does not fold DequantizeLinear: this saves download, not compute.)"""
    m = onnx.load(src)
    g = m.graph
    conv_weights = {n.input[1] for n in g.node if n.op_type == "Conv" and len(n.input) > 1}
    new_nodes, new_inits, drop = [], [], []
    for init in g.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init)
        if init.name in conv_weights and arr.ndim == 4 and arr.shape[2:] == (1, 1) and arr.size >= min_elems:
            scale = np.maximum(np.abs(arr).reshape(arr.shape[0], -1).max(1), 1e-12) / 127.0
            q = np.clip(np.round(arr / scale[:, None, None, None]), -127, 127).astype(np.int8)
            new_inits += [numpy_helper.from_array(q, init.name + "__q"),
                          numpy_helper.from_array(scale.astype(np.float32), init.name + "__scale"),
                          numpy_helper.from_array(np.zeros(arr.shape[0], np.int8), init.name + "__zp")]
            new_nodes.append(helper.make_node("DequantizeLinear", [init.name + "__q", init.name + "__scale",
                                                                   init.name + "__zp"], [init.name], axis=0,
                                              name=init.name + "__dq"))
            drop.append(init)
        elif arr.size >= 16:
            new_inits.append(numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16"))
            new_nodes.append(helper.make_node("Cast", [init.name + "__fp16"], [init.name], to=TensorProto.FLOAT,
                                              name=init.name + "__cast"))
            drop.append(init)
    return _swap_and_save(m, drop, new_inits, new_nodes, dst)


def file_entry(folder: str, name: str, precision: str = None) -> dict:
    path = os.path.join(folder, name)
    data = open(path, "rb").read()
    e = {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if precision:
        e = {"path": name, "precision": precision, "bytes": e["bytes"], "sha256": e["sha256"]}
    return e
