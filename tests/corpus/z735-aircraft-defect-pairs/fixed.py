"""Train a bi-encoder to relate aircraft maintenance defect write-ups.

Pairs were labelled in the hangar's review tool (duplicate / same system /
unrelated). Adapted from sentence-transformers' training_nli.py: a SoftmaxLoss
head on top of a mean-pooled BERT, trained with the classic fit loop.
"""
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer.losses import SoftmaxLoss
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizerFast, HfArgumentParser

logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s", level=logging.INFO)
log = logging.getLogger("defect_pairs")

# review tool export codes
RELATION_CODES = {1: "duplicate", 2: "same_system", 3: "unrelated"}

REVIEW_EXPORT = [
    {"write_up_a": "No. 2 engine bleed valve fails to close on ground run", "write_up_b": "Eng 2 bleed valve stuck open during ground test", "relation_id": "1"},
    {"write_up_a": "Left main gear tyre worn below limits", "write_up_b": "LH MLG tyre tread worn beyond limit", "relation_id": "1"},
    {"write_up_a": "Cabin pressure controller fault message in cruise", "write_up_b": "Outflow valve slow to respond on descent", "relation_id": "2"},
    {"write_up_a": "Galley oven inoperative", "write_up_b": "Hydraulic quantity low indication system B", "relation_id": "3"},
    {"write_up_a": "Weather radar display blank on captain side", "write_up_b": "WX radar antenna drive noisy", "relation_id": "2"},
    {"write_up_a": "Lavatory smoke detector chirping", "write_up_b": "Nose gear steering jerky during taxi", "relation_id": "3"},
    {"write_up_a": "Fuel quantity indication fluctuates left wing tank", "write_up_b": "LH wing fuel gauge erratic in climb", "relation_id": "1"},
    {"write_up_a": "Seat 14C recline button broken", "write_up_b": "APU fails to start on first attempt", "relation_id": "3"},
]


@dataclass
class ModelArguments:
    hidden_size: int = field(default=32, metadata={"help": "Width of the tiny BERT encoder."})
    max_seq_length: int = field(default=32, metadata={"help": "Max tokens per write-up."})
    pooling_mode: str = field(default="mean", metadata={"help": "Pooling strategy for sentence embeddings."})


@dataclass
class DataTrainingArguments:
    train_batch_size: int = field(default=4, metadata={"help": "Pairs per training batch."})
    num_epochs: int = field(default=1, metadata={"help": "Training epochs."})
    warmup_steps: int = field(default=1, metadata={"help": "Linear warmup steps."})


def save_tiny_encoder(texts, hidden_size):
    out_dir = tempfile.mkdtemp(prefix="defect_bert_")
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    with open(os.path.join(out_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(out_dir, "vocab.txt"))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=2 * hidden_size, max_position_embeddings=64)
    BertModel(config).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def preprocess_function(examples):
    """Batch of export rows (dict of columns) -> InputExamples."""
    pairs = []
    for a, b, rel in zip(examples["write_up_a"], examples["write_up_b"], examples["relation_id"]):
        pairs.append(InputExample(texts=[a.strip(), b.strip()], label=int(rel) - 1))
    return pairs


def main():
    parser = HfArgumentParser((ModelArguments, DataTrainingArguments))
    model_args, data_args = parser.parse_args_into_dataclasses(args=[])
    torch.manual_seed(11)

    all_text = [r["write_up_a"] for r in REVIEW_EXPORT] + [r["write_up_b"] for r in REVIEW_EXPORT]
    encoder_dir = save_tiny_encoder(all_text, model_args.hidden_size)

    word_model = Transformer(encoder_dir, max_seq_length=model_args.max_seq_length)
    pooling = Pooling(word_model.get_embedding_dimension(), pooling_mode=model_args.pooling_mode)
    model = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    train_examples = []
    for start in range(0, len(REVIEW_EXPORT), 3):
        rows = REVIEW_EXPORT[start:start + 3]
        train_examples.extend(preprocess_function({k: [r[k] for r in rows] for k in rows[0]}))
    log.info("built %d training pairs over %d relation types", len(train_examples), len(RELATION_CODES))

    train_loader = DataLoader(train_examples, shuffle=True, batch_size=data_args.train_batch_size)
    train_loss = SoftmaxLoss(model, embedding_dimension=model.get_embedding_dimension(),
                             num_labels=len(RELATION_CODES))

    model.old_fit(train_objectives=[(train_loader, train_loss)], epochs=data_args.num_epochs,
                  warmup_steps=data_args.warmup_steps, show_progress_bar=False)

    emb = model.encode(["APU fails to start", "Auxiliary power unit start failure"], convert_to_tensor=True,
                       show_progress_bar=False)
    print("cosine:", torch.nn.functional.cosine_similarity(emb[0:1], emb[1:2]).item())


if __name__ == "__main__":
    main()
