"""Learn stowage relations between dangerous-goods cargo descriptions.

A sentence-transformers bi-encoder is trained with SoftmaxLoss on pairs of
cargo descriptions labelled with the stowage rule between them. The port
terminal pilot adds its own relation on top of the fleet-wide set.
"""
import logging
import random
import tempfile
from dataclasses import asdict, dataclass, field, replace
from typing import Optional

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="[%(name)s] %(message)s")
log = logging.getLogger("stowage")


@dataclass(frozen=True)
class CargoPair:
    first: str
    second: str
    relation: str


PAIRS = [
    CargoPair("flammable liquid paint drums", "flammable liquid solvent drums", "compatible"),
    CargoPair("oxidizer pool chlorine", "flammable liquid fuel", "incompatible"),
    CargoPair("corrosive battery acid", "toxic pesticide powder", "segregate"),
    CargoPair("compressed gas cylinders", "flammable liquid paint drums", "segregate"),
    CargoPair("toxic pesticide powder", "foodstuff rice bags", "away_from_food"),
    CargoPair("oxidizer pool chlorine", "corrosive battery acid", "incompatible"),
    CargoPair("compressed gas cylinders", "compressed gas cylinders", "compatible"),
    CargoPair("corrosive battery acid", "foodstuff rice bags", "away_from_food"),
]


@dataclass
class RelationTask:
    relations: list = field(default_factory=lambda: ["compatible", "segregate", "incompatible"])
    num_labels: Optional[int] = None
    batch_size: int = 4
    epochs: int = 1

    def __post_init__(self):
        if self.num_labels is None:
            self.num_labels = len(self.relations)


@dataclass
class TinyEncoder:
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 64


FLEET_TASK = RelationTask()


def terminal_task(base, extra_relations):
    return replace(base, relations=base.relations + list(extra_relations))


def save_tiny_encoder(pairs, enc):
    words = sorted({w for p in pairs for w in (p.first + " " + p.second).split()})
    out_dir = tempfile.mkdtemp(prefix="stowage_enc_")
    with open(f"{out_dir}/vocab.txt", "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tok = BertTokenizer(f"{out_dir}/vocab.txt")
    BertModel(BertConfig(vocab_size=len(tok), **asdict(enc))).save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return out_dir


def to_examples(pairs, task):
    index = {name: i for i, name in enumerate(task.relations)}
    for p in pairs:
        yield InputExample(texts=[p.first, p.second], label=index[p.relation])


def main():
    random.seed(5)
    torch.manual_seed(5)
    task = terminal_task(FLEET_TASK, ["away_from_food"])
    log.info("relations: %s", task.relations)

    enc_dir = save_tiny_encoder(PAIRS, TinyEncoder())
    word = models.Transformer(enc_dir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word, pool], device="cpu")

    examples = list(to_examples(PAIRS, task))
    loader = DataLoader(examples, shuffle=True, batch_size=task.batch_size)
    loss = losses.SoftmaxLoss(model, model.get_sentence_embedding_dimension(), task.num_labels)
    log.info("training on %d pairs, %d classes", len(examples), task.num_labels)

    model.old_fit(train_objectives=[(loader, loss)], epochs=task.epochs, warmup_steps=0,
                  show_progress_bar=False)
    emb = model.encode(["flammable liquid fuel", "foodstuff rice bags"])
    log.info("embedding shape after training: %s", emb.shape)


if __name__ == "__main__":
    main()
