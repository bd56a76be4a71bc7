"""Review sentiment: fine-tune a small BERT-family encoder into a 3-class classifier, score
reviews in batches, save and load it as a plain Hugging Face directory.

Imports torch and transformers: only training and scoring code should import this module.
Runs on CUDA with bf16 autocast when available; on CPU a given seed gives the same weights.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from models.common.torch_device import autocast, cpu_threads, resolve_device
from models.loyalty.labels import CLASS_NAMES
from models.loyalty.sentiment_config import Device, SentimentConfig, resolve_backbone

METADATA_FILE = "loyalty_sentiment.json"
METADATA_FORMAT = 1
GRADIENT_CLIP = 1.0
LENGTH_POOL_BATCHES = 50
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FineTuneReport:
    examples: int  # after the max_train_examples cap
    epochs: int
    steps: int
    seconds: float
    device: str
    final_loss: float  # mean training loss over the last epoch
    warm_start: bool


def _load_pretrained(
    source: str, num_labels: int | None, safetensors_only: bool = False
) -> tuple[Any, Any]:
    """(model, tokenizer) from a hub id or a directory; local directories never touch the hub.
    ``safetensors_only``: refuse pickled weights (pytorch_model.bin), e.g. for a directory
    read back from the model registry. Remote code is never run."""
    local = Path(source).is_dir()
    extra: dict[str, Any] = {"trust_remote_code": False}
    if safetensors_only:
        extra["use_safetensors"] = True
    if num_labels is not None:  # a fresh classification head on a plain encoder
        extra |= {
            "num_labels": num_labels,
            "id2label": dict(enumerate(CLASS_NAMES)),
            "label2id": {name: i for i, name in enumerate(CLASS_NAMES)},
        }
    model = AutoModelForSequenceClassification.from_pretrained(
        source, local_files_only=local, **extra
    )
    tokenizer = AutoTokenizer.from_pretrained(
        source, local_files_only=local, trust_remote_code=False
    )
    return model, tokenizer


def _padded(
    encoded: list[list[int]], rows: np.ndarray, pad_id: int, device: torch.device
) -> dict[str, torch.Tensor]:
    """Pads the chosen rows to the longest among them (not to max_length: short reviews are
    the norm, and attention cost grows with the padded length)."""
    width = max(len(encoded[i]) for i in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for r, i in enumerate(rows):
        ids[r, : len(encoded[i])] = torch.tensor(encoded[i])
        mask[r, : len(encoded[i])] = 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device)}


class SentimentModel:
    """A fine-tuned classifier with its tokenizer; classes are ``CLASS_NAMES`` in order."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        config: SentimentConfig,
        report: FineTuneReport | None = None,
    ) -> None:
        self.device = resolve_device(config.device)
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.config = config
        self.report = report

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        encoded = self.tokenizer(
            [str(t) for t in texts], truncation=True, max_length=self.config.max_length
        )
        return list(encoded["input_ids"])

    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """(n, 3) class probabilities, rows in the order of ``texts``."""
        proba = np.zeros((len(texts), len(CLASS_NAMES)))
        if not len(texts):
            return proba
        encoded = self.encode(texts)
        # Similar lengths in one batch keep padding (wasted compute) small.
        order = np.argsort([len(e) for e in encoded], kind="stable")
        pad_id = self.tokenizer.pad_token_id
        self.model.eval()
        with (
            torch.inference_mode(),
            autocast(self.device),
            cpu_threads(self.config.cpu_threads),
        ):
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                logits = self.model(**_padded(encoded, rows, pad_id, self.device)).logits
                proba[rows] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        return proba

    def predict(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Most likely class index per text (0 negative, 1 neutral, 2 positive)."""
        return self.predict_proba(texts, batch_size).argmax(axis=1)

    def save(self, directory: str | Path) -> Path:
        """A Hugging Face directory (weights + tokenizer) plus ``loyalty_sentiment.json``."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(target)
        self.tokenizer.save_pretrained(target)
        metadata = {
            "format": METADATA_FORMAT,
            "labels": list(CLASS_NAMES),
            "config": asdict(self.config),
            "report": asdict(self.report) if self.report else None,
        }
        (target / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
        return target

    @classmethod
    def load(cls, directory: str | Path, device: Device | None = None) -> SentimentModel:
        """A model saved by ``save``; ``device`` overrides the saved setting."""
        source = Path(directory)
        metadata = json.loads((source / METADATA_FILE).read_text())
        if metadata.get("format") != METADATA_FORMAT or metadata["labels"] != list(CLASS_NAMES):
            raise ValueError(f"{source} holds an incompatible sentiment model")
        settings = metadata["config"]
        if device is not None:
            settings["device"] = device
        config = SentimentConfig(**settings)
        report = FineTuneReport(**metadata["report"]) if metadata["report"] else None
        model, tokenizer = _load_pretrained(str(source), num_labels=None, safetensors_only=True)
        return cls(model, tokenizer, config, report)


def _capped(n: int, config: SentimentConfig, rng: np.random.Generator) -> np.ndarray:
    """Indices of the examples to train on: all, or a seeded random subset of the cap."""
    if config.max_train_examples is None or n <= config.max_train_examples:
        return np.arange(n)
    return np.sort(rng.choice(n, size=config.max_train_examples, replace=False))


def _epoch_batches(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator
) -> Iterator[np.ndarray]:
    """Random batches of similar lengths: shuffle, sort within pools of many batches, cut,
    then shuffle the batches. Padding (wasted compute on CPU) shrinks by about a third while
    every epoch still sees each example once, in a seeded random order."""
    order = rng.permutation(len(lengths))
    pool = batch_size * LENGTH_POOL_BATCHES
    batches: list[np.ndarray] = []
    for start in range(0, len(order), pool):
        chunk = order[start : start + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    for index in rng.permutation(len(batches)):
        yield batches[index]


def _linear_schedule(step: int, total: int, warmup: int) -> float:
    """Learning-rate multiplier: linear warm-up, then linear decay to zero."""
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def fine_tune(
    texts: Sequence[str],
    labels: Sequence[int] | np.ndarray,
    config: SentimentConfig,
    init_from: str | Path | None = None,
) -> SentimentModel:
    """Fine-tune the backbone (or, with ``init_from``, a model saved earlier: a warm start
    from the champion) on ``texts`` labelled 0 negative / 1 neutral / 2 positive."""
    with cpu_threads(config.cpu_threads):
        return _fine_tune(texts, labels, config, init_from)


def _fine_tune(
    texts: Sequence[str],
    labels: Sequence[int] | np.ndarray,
    config: SentimentConfig,
    init_from: str | Path | None,
) -> SentimentModel:
    texts = [str(t) for t in texts]  # positional access even for a pandas Series
    y = np.asarray(labels, dtype=np.int64)
    if len(texts) != len(y) or not len(y):
        raise ValueError(f"need as many labels as texts (got {len(texts)} and {len(y)})")
    if y.min() < 0 or y.max() >= len(CLASS_NAMES):
        raise ValueError("labels must be 0 (negative), 1 (neutral) or 2 (positive)")
    began = time.monotonic()
    rng = np.random.default_rng(config.seed)
    torch.manual_seed(config.seed)  # the new classification head and dropout draw from it
    device = resolve_device(config.device)
    if init_from is not None:
        model, tokenizer = _load_pretrained(str(init_from), num_labels=None)
    else:
        model, tokenizer = _load_pretrained(resolve_backbone(config.backbone), len(CLASS_NAMES))
    sentiment = SentimentModel(model, tokenizer, config)

    keep = _capped(len(y), config, rng)
    encoded = sentiment.encode([texts[i] for i in keep])
    lengths = np.array([len(e) for e in encoded])
    targets = torch.from_numpy(y[keep])
    steps_per_epoch = math.ceil(len(keep) / config.batch_size)
    total = steps_per_epoch * config.epochs
    warmup = max(1, int(config.warmup_fraction * total))
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: _linear_schedule(step, total, warmup)
    )
    model.train()
    epoch_loss = float("nan")
    for epoch in range(config.epochs):
        losses = []
        for rows in _epoch_batches(lengths, config.batch_size, rng):
            with autocast(device):
                logits = model(**_padded(encoded, rows, tokenizer.pad_token_id, device)).logits
            loss = torch.nn.functional.cross_entropy(logits.float(), targets[rows].to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), GRADIENT_CLIP)
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
        epoch_loss = float(np.mean(losses))
        log.info("sentiment epoch %d/%d: loss %.4f", epoch + 1, config.epochs, epoch_loss)
    model.eval()
    sentiment.report = FineTuneReport(
        examples=len(keep),
        epochs=config.epochs,
        steps=total,
        seconds=time.monotonic() - began,
        device=str(device),
        final_loss=epoch_loss,
        warm_start=init_from is not None,
    )
    return sentiment
