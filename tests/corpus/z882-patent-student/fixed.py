"""Distilled student for patent-claim section classification (CPC A/B/C/G/H).

The 6-layer teacher was analysed offline for head importance; the heads that
were found useless are listed in HEAD_PLAN. The 3-layer student is seeded from
a subset of teacher layers and fine-tuned with the plan applied as head gates.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

SECTIONS = ["A_human_necessities", "B_operations", "C_chemistry", "G_physics", "H_electricity"]
STUDENT_FROM_TEACHER = [1, 3, 5]     # teacher layer copied into student layer 0, 1, 2
# from the head-importance run: (layer, head) pairs to switch off
HEAD_PLAN = [(1, 0), (3, 1), (4, 0), (5, 1)]

CLAIMS = [
    ("a toothbrush handle with a replaceable head", 0),
    ("a wearable insulin pump with a soft cannula", 0),
    ("a conveyor for sorting parcels by weight", 1),
    ("a cutting tool with a cooled blade", 1),
    ("a polymer composition with improved tensile strength", 2),
    ("a catalyst for ammonia synthesis at low pressure", 2),
    ("an optical sensor measuring the refractive index", 3),
    ("a method for training a neural network on images", 3),
    ("a battery cell with a ceramic separator", 4),
    ("a transistor gate made of hafnium oxide", 4),
]


def tiny_config(vocab_size, layers):
    return BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=layers,
                      num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)


class ClaimStudent(L.LightningModule):
    def __init__(self, teacher, vocab_size):
        super().__init__()
        cfg = tiny_config(vocab_size, len(STUDENT_FROM_TEACHER))
        self.encoder = BertModel(cfg)
        self.encoder.embeddings.load_state_dict(teacher.embeddings.state_dict())
        for s_idx, t_idx in enumerate(STUDENT_FROM_TEACHER):
            self.encoder.encoder.layer[s_idx].load_state_dict(teacher.encoder.layer[t_idx].state_dict())
        self.classifier = nn.Linear(cfg.hidden_size, len(SECTIONS))
        self.n_heads = cfg.num_attention_heads
        self.register_buffer("head_gates", torch.ones(cfg.num_hidden_layers, cfg.num_attention_heads))
        for idx, block in enumerate(self.encoder.encoder.layer):
            block.attention.self.register_forward_hook(self._gate_hook(idx))

    def _gate_hook(self, layer_idx):
        def hook(module, args, output):
            ctx, weights = output
            b, t, h = ctx.shape
            gate = self.head_gates[layer_idx].view(1, 1, self.n_heads, 1)
            return (ctx.view(b, t, self.n_heads, -1) * gate).view(b, t, h), weights
        return hook

    def on_fit_start(self):
        teacher_to_student = {t: s for s, t in enumerate(STUDENT_FROM_TEACHER)}
        for layer, head in HEAD_PLAN:
            if layer in teacher_to_student:
                self.head_gates[teacher_to_student[layer], head] = 0.0
        print("active heads per layer:", self.head_gates.sum(dim=1).tolist())

    def forward(self, batch):
        out = self.encoder(input_ids=batch["ids"], attention_mask=batch["att"])
        return self.classifier(out.last_hidden_state[:, 0])

    def training_step(self, batch, batch_idx):
        loss = nn.functional.cross_entropy(self(batch), batch["section"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=2e-4)


def collate(rows, tokenizer):
    texts, sections = zip(*rows)
    enc = tokenizer(list(texts), padding=True, return_tensors="pt")
    return {"ids": enc["input_ids"], "att": enc["attention_mask"],
            "section": torch.tensor(sections)}


def main():
    folder = tempfile.mkdtemp()
    words = sorted({w for text, _ in CLAIMS for w in text.split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    teacher = BertModel(tiny_config(tokenizer.vocab_size, 6))
    student = ClaimStudent(teacher, tokenizer.vocab_size)
    print(f"teacher layers: {teacher.config.num_hidden_layers}, "
          f"student layers: {student.encoder.config.num_hidden_layers}")

    loader = DataLoader(CLAIMS, batch_size=4, shuffle=True,
                        collate_fn=lambda rows: collate(rows, tokenizer))
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(student, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
