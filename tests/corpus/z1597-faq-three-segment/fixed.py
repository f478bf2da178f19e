import os
import tempfile
from dataclasses import dataclass
from typing import List

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

FAQ_TOKENS = (
    "how do i reset my password change email address cancel order refund "
    "shipping delivery time track package account locked login payment card "
    "declined return item policy days within you can use the link to a our "
    "support page contact settings profile click forgot takes business"
).split()

# (customer question, faq title, faq answer, is_match)
PAIRS = [
    ("how do i reset my password", "forgot password", "click the forgot password link", 1),
    ("how do i reset my password", "refund policy", "you can return item within days", 0),
    ("track my package", "shipping delivery time", "use the link to track package", 1),
    ("track my package", "account locked", "contact support to login", 0),
    ("card declined payment", "payment card declined", "contact our support page", 1),
    ("card declined payment", "change email address", "use the settings profile page", 0),
    ("cancel order refund", "refund policy", "refund takes business days", 1),
    ("cancel order refund", "forgot password", "click the forgot password link", 0),
]


def write_vocab(folder: str) -> str:
    path = os.path.join(folder, "faq_vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(FAQ_TOKENS)):
            fh.write(tok + "\n")
    return path


class FaqMatchDataset(Dataset):
    def __init__(self, rows, tokenizer: BertTokenizer, max_len: int = 48):
        self.items = []
        for question, title, answer, match in rows:
            wordpieces, segment_of_piece = [tokenizer.cls_token], [0]
            for seg_no, part in enumerate((question, title, answer)):
                part_pieces = tokenizer.tokenize(part) + [tokenizer.sep_token]
                wordpieces.extend(part_pieces)
                segment_of_piece.extend([seg_no] * len(part_pieces))
            wordpieces = wordpieces[:max_len]
            self.items.append({
                "piece_ids": tokenizer.convert_tokens_to_ids(wordpieces),
                "segments": segment_of_piece[:max_len],
                "is_match": match,
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


@dataclass
class TripleCollator:
    pad_token_id: int

    def __call__(self, batch: List[dict]):
        width = max(len(ex["piece_ids"]) for ex in batch)
        ids, segs, mask = [], [], []
        for ex in batch:
            gap = width - len(ex["piece_ids"])
            ids.append(ex["piece_ids"] + [self.pad_token_id] * gap)
            segs.append(ex["segments"] + [0] * gap)
            mask.append([1] * len(ex["piece_ids"]) + [0] * gap)
        return {
            "input_ids": torch.tensor(ids),
            "token_type_ids": torch.tensor(segs),
            "attention_mask": torch.tensor(mask),
            "match_target": torch.tensor([ex["is_match"] for ex in batch]),
        }


class MatchTrainer(Trainer):
    def __init__(self, *args, positive_weight: float = 1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.positive_weight = positive_weight

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        target = inputs.pop("match_target")
        out = model(**inputs)
        weights = torch.tensor([1.0, self.positive_weight], device=out.logits.device)
        loss = torch.nn.functional.cross_entropy(out.logits, target, weight=weights)
        return (loss, out) if return_outputs else loss


def main():
    tmp = tempfile.mkdtemp(prefix="faq_match_")
    tok = BertTokenizer(write_vocab(tmp))
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=3,
        num_labels=2,
    )
    matcher = BertForSequenceClassification(cfg)
    train_ds = FaqMatchDataset(PAIRS, tok)

    targs = TrainingArguments(
        output_dir=os.path.join(tmp, "ckpt"),
        per_device_train_batch_size=4,
        max_steps=3,
        learning_rate=3e-4,
        logging_steps=1,
        use_cpu=True,
        report_to=[],
        remove_unused_columns=False,
        save_strategy="no",
    )
    trainer = MatchTrainer(
        model=matcher,
        args=targs,
        train_dataset=train_ds,
        data_collator=TripleCollator(pad_token_id=tok.pad_token_id),
        positive_weight=2.0,
    )
    trainer.train()
    print("faq matcher trained")


if __name__ == "__main__":
    main()
