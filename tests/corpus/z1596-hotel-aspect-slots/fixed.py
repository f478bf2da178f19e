import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import (
    BertConfig,
    BertForTokenClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

POLARITIES = ["negative", "neutral", "positive"]
MAX_ASPECTS_PER_REVIEW = 4

WORDS = (
    "the room was clean but breakfast cold staff friendly pool tiny "
    "location great wifi slow bed comfortable noisy street view amazing "
    "parking expensive check in quick bathroom dirty lobby nice and very"
).split()

REVIEWS = [
    ("the room was clean but breakfast cold", [(1, "positive"), (5, "negative")]),
    ("staff friendly pool tiny wifi slow", [(0, "positive"), (2, "negative"), (4, "negative")]),
    ("location great", [(0, "positive")]),
    ("bed comfortable but street noisy", [(0, "positive"), (3, "negative")]),
    ("view amazing parking expensive lobby nice", [(0, "positive"), (2, "negative"), (4, "positive")]),
    ("check in quick", [(0, "positive")]),
    ("bathroom dirty and wifi slow", [(0, "negative"), (3, "negative")]),
    ("the pool was very nice", [(1, "positive")]),
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")
    return path


def build_examples(tokenizer):
    examples = []
    for text, aspects in REVIEWS:
        words = text.split()
        pieces = [tokenizer.cls_token_id]
        word_start = []
        for w in words:
            word_start.append(len(pieces))
            pieces.extend(tokenizer.convert_tokens_to_ids(tokenizer.tokenize(w)))
        pieces.append(tokenizer.sep_token_id)
        examples.append({
            "token_ids": pieces,
            "aspect_positions": [word_start[i] for i, _ in aspects],
            "aspect_polarity": [POLARITIES.index(p) for _, p in aspects],
        })
    return examples


@dataclass
class AspectCollator:
    pad_id: int

    def __call__(self, features):
        seq_len = max(len(f["token_ids"]) for f in features)
        n_slots = max(len(f["aspect_positions"]) for f in features)
        tokens = torch.full((len(features), seq_len), self.pad_id, dtype=torch.long)
        attn = torch.zeros((len(features), seq_len), dtype=torch.long)
        slot_pos = torch.full((len(features), n_slots), -1, dtype=torch.long)
        slot_pol = torch.full((len(features), n_slots), -100, dtype=torch.long)
        for row, f in enumerate(features):
            tokens[row, : len(f["token_ids"])] = torch.tensor(f["token_ids"])
            attn[row, : len(f["token_ids"])] = 1
            k = len(f["aspect_positions"])
            slot_pos[row, :k] = torch.tensor(f["aspect_positions"])
            slot_pol[row, :k] = torch.tensor(f["aspect_polarity"])
        return {
            "input_ids": tokens,
            "attention_mask": attn,
            "aspect_positions": slot_pos,
            "aspect_polarity": slot_pol,
        }


class AspectSentimentTrainer(Trainer):
    def __init__(self, *args, max_aspects=MAX_ASPECTS_PER_REVIEW, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_aspects = max_aspects

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        positions = inputs.pop("aspect_positions")
        polarity = inputs.pop("aspect_polarity")
        outputs = model(**inputs)
        token_logits = outputs.logits
        batch_rows = torch.arange(token_logits.size(0), device=token_logits.device)

        slot_losses = []
        for slot in range(positions.size(1)):
            where = positions[:, slot]
            target = polarity[:, slot]
            if (target == -100).all():
                continue
            picked = token_logits[batch_rows, where.clamp(min=0)]
            slot_losses.append(F.cross_entropy(picked, target, ignore_index=-100))
        loss = torch.stack(slot_losses).mean()
        return (loss, outputs) if return_outputs else loss


def main():
    workdir = tempfile.mkdtemp(prefix="hotel_absa_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(POLARITIES),
    )
    model = BertForTokenClassification(config)
    train_set = build_examples(tokenizer)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=4,
        max_steps=4,
        learning_rate=5e-4,
        logging_steps=1,
        use_cpu=True,
        report_to=[],
        remove_unused_columns=False,
        save_strategy="no",
    )
    trainer = AspectSentimentTrainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=AspectCollator(pad_id=tokenizer.pad_token_id),
    )
    trainer.train()
    print("finished aspect training")


if __name__ == "__main__":
    main()
