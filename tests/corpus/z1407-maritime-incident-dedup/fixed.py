"""Fine-tune a tiny sentence-transformers bi-encoder to spot duplicate maritime incident reports
filed by different stations (harbour master, coast guard, pilot boats)."""
import enum
import os
import random
import tempfile
from typing import Literal, NamedTuple

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

from sentence_transformers import InputExample, SentenceTransformer, losses
from sentence_transformers import models


class Relation(enum.Enum):
    DUPLICATE = 1.0
    SAME_VESSEL = 0.6
    UNRELATED = 0.0


class EncoderSpec(NamedTuple):
    hidden: int = 32
    max_positions: int = 40
    pooling: Literal["mean", "cls", "max"] = "mean"


class FitSpec(NamedTuple):
    max_seq_length: int = 40
    batch_size: int = 4
    epochs: int = 1
    warmup_steps: int = 1
    seed: int = 2024


REPORT_PAIRS = [
    ("tanker nordic star reported engine failure four miles east of the breakwater drifting towards the anchorage "
     "with twelve crew aboard tug requested and pilot boat standing by while the master attempts a restart of the "
     "main engine and the anchorage is cleared of small craft", "nordic star engine failure east of breakwater tug requested",
     "DUPLICATE"),
    ("fishing vessel marie claire taking water near the north buoy", "marie claire flooding at north buoy pumps running",
     "DUPLICATE"),
    ("container ship baltic dawn minor collision with the quay during berthing no injuries", "baltic dawn hit the quay while berthing",
     "DUPLICATE"),
    ("yacht sea breeze dismasted outside the channel", "sea breeze towed in after dismasting", "SAME_VESSEL"),
    ("ferry island spirit delayed by fog", "tanker nordic star engine failure", "UNRELATED"),
    ("cargo vessel oak river oil sheen reported near berth seven", "oak river crew injury during mooring", "SAME_VESSEL"),
    ("pilot boat p3 grounded on the sand bar at low water", "p3 pilot boat aground on sand bar", "DUPLICATE"),
    ("kayaker missing near the lighthouse search started", "ferry island spirit delayed by fog", "UNRELATED"),
]


def write_tiny_encoder(spec: EncoderSpec) -> str:
    words = sorted({w for a, b, _ in REPORT_PAIRS for w in (a + " " + b).split()})
    folder = tempfile.mkdtemp(prefix="incident_encoder_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=spec.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=spec.hidden * 2,
        max_position_embeddings=spec.max_positions,
    )
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_bi_encoder(folder: str, spec: EncoderSpec, fit: FitSpec) -> SentenceTransformer:
    word_model = models.Transformer(folder, max_seq_length=fit.max_seq_length)
    pool = models.Pooling(word_model.get_embedding_dimension(), pooling_mode=spec.pooling)
    return SentenceTransformer(modules=[word_model, pool], device="cpu")


def to_examples() -> list[InputExample]:
    examples = []
    for first, second, relation_name in REPORT_PAIRS:
        score = Relation[relation_name].value
        examples.append(InputExample(texts=[first, second], label=float(score)))
    return examples


def main() -> None:
    spec, fit = EncoderSpec(), FitSpec()
    random.seed(fit.seed)
    np.random.seed(fit.seed)
    torch.manual_seed(fit.seed)

    folder = write_tiny_encoder(spec)
    bi_encoder = build_bi_encoder(folder, spec, fit)
    print(f"bi-encoder ready, max_seq_length={bi_encoder.max_seq_length}, pooling={spec.pooling}")

    train_examples = to_examples()
    loader = DataLoader(train_examples, shuffle=True, batch_size=fit.batch_size)
    objective = losses.CosineSimilarityLoss(bi_encoder)
    bi_encoder.old_fit(
        train_objectives=[(loader, objective)],
        epochs=fit.epochs,
        warmup_steps=fit.warmup_steps,
        show_progress_bar=False,
    )

    probe = bi_encoder.encode(["nordic star drifting east of breakwater", "fog delays ferry"], convert_to_tensor=True)
    print("probe similarity:", torch.cosine_similarity(probe[0], probe[1], dim=0).item())


if __name__ == "__main__":
    main()
