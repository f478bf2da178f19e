import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import (
    BertConfig,
    BertModel,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

CLAUSE_TYPES = ["indemnity", "termination", "confidentiality"]
SECTIONS = ["preamble", "obligations", "remedies", "miscellaneous"]

WORDS = (
    "the party shall indemnify hold harmless against any loss damage claim "
    "either may terminate this agreement upon written notice breach cure period "
    "recipient keep confidential information not disclose third parties except "
    "law require survive expiration days thirty sixty material"
).split()

RAW_CLAUSES = [
    ("the party shall indemnify and hold harmless against any loss", "obligations", "indemnity"),
    ("either party may terminate this agreement upon written notice", "remedies", "termination"),
    ("recipient shall keep confidential information and not disclose", "obligations", "confidentiality"),
    ("the party shall indemnify against any claim or damage", "remedies", "indemnity"),
    ("either party may terminate upon material breach after cure period of thirty days", "remedies", "termination"),
    ("confidential information shall not be disclosed to third parties except as law require", "miscellaneous", "confidentiality"),
    ("obligations of confidentiality survive expiration of this agreement", "miscellaneous", "confidentiality"),
    ("the party shall hold harmless against any loss from breach", "preamble", "indemnity"),
]


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")
    return path


class ClauseClassifier(nn.Module):
    def __init__(self, enc_cfg, n_sections, n_labels, section_dim=8):
        super().__init__()
        self.encoder = BertModel(enc_cfg, add_pooling_layer=False)
        self.section_emb = nn.Embedding(n_sections, section_dim)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(enc_cfg.hidden_size + section_dim, n_labels)

    def forward(self, token_ids, token_mask, section_ids):
        states = self.encoder(input_ids=token_ids, attention_mask=token_mask).last_hidden_state
        clause_vec = states[:, 0]
        section_vec = self.section_emb(section_ids)
        features = torch.cat([clause_vec, section_vec], dim=-1)
        return self.classifier(self.dropout(features))


@dataclass
class ClauseCollator:
    tokenizer: BertTokenizer
    max_tokens: int = 24

    def __call__(self, rows):
        enc = self.tokenizer(
            [r["text"] for r in rows],
            padding=True,
            truncation=True,
            max_length=self.max_tokens,
            return_tensors="pt",
        )
        return {
            "token_ids": enc["input_ids"],
            "token_mask": enc["attention_mask"],
            "section_ids": torch.tensor([r["section"] for r in rows], dtype=torch.long),
            "clause_label": torch.tensor([r["label"] for r in rows], dtype=torch.long),
        }


class ClauseTrainer(Trainer):
    def __init__(self, *args, label_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_fn = nn.CrossEntropyLoss(weight=label_weights)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        targets = inputs.pop("clause_label")
        logits = model(**inputs)
        loss = self.loss_fn(logits, targets)
        return (loss, logits) if return_outputs else loss


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir))

    records = [
        {"text": text, "section": SECTIONS.index(sec), "label": CLAUSE_TYPES.index(lab)}
        for text, sec, lab in RAW_CLAUSES
    ]

    enc_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = ClauseClassifier(enc_cfg, n_sections=len(SECTIONS), n_labels=len(CLAUSE_TYPES))

    counts = torch.bincount(torch.tensor([r["label"] for r in records]), minlength=len(CLAUSE_TYPES)).float()
    weights = counts.sum() / (len(CLAUSE_TYPES) * counts)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=4,
        max_steps=4,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        remove_unused_columns=False,
    )
    trainer = ClauseTrainer(
        model=model,
        args=args,
        train_dataset=records,
        data_collator=ClauseCollator(tokenizer),
        label_weights=weights,
    )
    trainer.train()
    print("done, final loss", trainer.state.log_history[-1])


if __name__ == "__main__":
    main()
