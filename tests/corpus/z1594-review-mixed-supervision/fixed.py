import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

torch.manual_seed(3)

# star: 1..5 when the reviewer gave a rating, None when only "recommend yes/no" was collected
REVIEWS = [
    {"text": "battery lasts all day great phone", "star": 5, "recommend": 1},
    {"text": "screen cracked after one week", "star": 1, "recommend": 0},
    {"text": "decent value but slow charging", "star": 3, "recommend": 1},
    {"text": "would buy again great value", "star": None, "recommend": 1},
    {"text": "stopped working returned it", "star": None, "recommend": 0},
    {"text": "camera is great in daylight slow at night", "star": 4, "recommend": 1},
    {"text": "terrible support never again", "star": 1, "recommend": 0},
    {"text": "great screen decent battery", "star": None, "recommend": 1},
    {"text": "charging cable broke after one day", "star": 2, "recommend": 0},
    {"text": "phone is fine for the price", "star": None, "recommend": 1},
]

tmp = tempfile.mkdtemp(prefix="reviews_")
vocab_txt = os.path.join(tmp, "vocab.txt")
lexicon = sorted({w for r in REVIEWS for w in r["text"].split()})
with open(vocab_txt, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + lexicon) + "\n")
tok = BertTokenizer(vocab_txt)


class ReviewSet(torch.utils.data.Dataset):
    def __init__(self, reviews):
        self.reviews = reviews

    def __len__(self):
        return len(self.reviews)

    def __getitem__(self, i):
        r = self.reviews[i]
        return {
            "text": r["text"],
            "star_idx": -1 if r["star"] is None else r["star"] - 1,
            "recommend": r["recommend"],
        }


@dataclass
class ReviewCollator:
    tok: BertTokenizer
    max_len: int = 24

    def __call__(self, items):
        enc = self.tok(
            [it["text"] for it in items],
            padding="longest",
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        enc["star_idx"] = torch.tensor([it["star_idx"] for it in items])
        enc["recommend"] = torch.tensor([it["recommend"] for it in items], dtype=torch.float)
        return dict(enc)


class MixedSupervisionTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        star_idx = inputs.pop("star_idx")
        recommend = inputs.pop("recommend")
        outputs = model(**inputs)
        star_logits = outputs.logits

        bs = star_logits.size(0)
        total = star_logits.new_zeros(())
        for i in range(bs):
            if star_idx[i] >= 0:
                total = total + F.cross_entropy(star_logits[i : i + 1], star_idx[i : i + 1])
            else:
                probs = star_logits[i].softmax(-1)
                p_recommend = probs[3:].sum().clamp(1e-6, 1 - 1e-6)
                total = total + F.binary_cross_entropy(p_recommend, recommend[i])
        loss = total / bs
        return (loss, outputs) if return_outputs else loss


cfg = BertConfig(
    vocab_size=tok.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=32,
    num_labels=5,
)
star_model = BertForSequenceClassification(cfg)

targs = TrainingArguments(
    output_dir=os.path.join(tmp, "run"),
    per_device_train_batch_size=4,
    max_steps=6,
    learning_rate=2e-3,
    logging_steps=1,
    use_cpu=True,
    report_to=[],
    remove_unused_columns=False,
    save_strategy="no",
)

trainer = MixedSupervisionTrainer(
    model=star_model,
    args=targs,
    train_dataset=ReviewSet(REVIEWS),
    data_collator=ReviewCollator(tok),
)
result = trainer.train()
print("final loss", round(result.training_loss, 4))
