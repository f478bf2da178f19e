import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

CUISINES = ["italian", "japanese", "mexican"]
RECIPES = [
    ("simmer tomato sauce with basil and garlic then add pasta", "italian"),
    ("bake dough with mozzarella tomato and olive oil", "italian"),
    ("rinse rice and season with vinegar then roll with nori", "japanese"),
    ("simmer dashi with miso and tofu", "japanese"),
    ("fry tortilla and top with beans salsa and avocado", "mexican"),
    ("grill chicken with lime chili and serve in tortilla", "mexican"),
]


def write_vocab(folder):
    words = sorted({w for text, _ in RECIPES for w in text.split()})
    path = os.path.join(folder, "recipe_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def student_config(teacher_cfg):
    cfg = BertConfig.from_dict(teacher_cfg.to_dict())
    cfg.num_hidden_layers = 1
    return cfg


class CuisineDistiller(nn.Module):
    def __init__(self, teacher, student, temperature=3.0):
        super().__init__()
        self.teacher = teacher
        self.student = student
        self.temperature = temperature
        for p in self.teacher.parameters():
            p.requires_grad_(False)

    def forward(self, enc, cuisine_ids):
        with torch.no_grad():
            t_logits = self.teacher(**enc).logits
        s_logits = self.student(**enc).logits
        T = self.temperature
        soft = F.kl_div(F.log_softmax(s_logits / T, -1), F.softmax(t_logits / T, -1),
                        reduction="batchmean") * T * T
        return 0.5 * soft + 0.5 * F.cross_entropy(s_logits, cuisine_ids)


def shrink_teacher(teacher, keep):
    student = BertForSequenceClassification(student_config(teacher.config))
    student.bert.embeddings.load_state_dict(teacher.bert.embeddings.state_dict())
    for s_i, t_i in enumerate(keep):
        student.bert.encoder.layer[s_i].load_state_dict(teacher.bert.encoder.layer[t_i].state_dict())
    student.bert.pooler.load_state_dict(teacher.bert.pooler.state_dict())
    student.classifier.load_state_dict(teacher.classifier.state_dict())
    return student


def train(distiller, enc, cuisine_ids, ckpt_dir, epochs=4):
    opt = torch.optim.AdamW([p for p in distiller.parameters() if p.requires_grad], lr=1e-3)
    distiller.student.train()
    best, best_path = float("inf"), None
    for epoch in range(epochs):
        loss = distiller(enc, cuisine_ids)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")
        if loss.item() < best:
            best = loss.item()
            best_path = os.path.join(ckpt_dir, "best_distill.pt")
            torch.save(distiller.state_dict(), best_path)
    return best_path


def export_student(best_path, teacher_cfg, out_dir):
    deployable = BertForSequenceClassification(student_config(teacher_cfg))
    state = torch.load(best_path)
    deployable.load_state_dict(state)
    deployable.save_pretrained(out_dir)
    return deployable


def main():
    tmp = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab(tmp))
    teacher_cfg = BertConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=3, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=len(CUISINES),
    )
    teacher = BertForSequenceClassification(teacher_cfg)
    teacher.eval()
    student = shrink_teacher(teacher, keep=[2])

    enc = tok([r for r, _ in RECIPES], padding=True, return_tensors="pt")
    cuisine_ids = torch.tensor([CUISINES.index(c) for _, c in RECIPES])

    distiller = CuisineDistiller(teacher, student)
    best_path = train(distiller, enc, cuisine_ids, tmp)

    deployable = export_student(best_path, teacher_cfg, os.path.join(tmp, "cuisine-student"))
    deployable.eval()
    with torch.no_grad():
        guesses = deployable(**enc).logits.argmax(-1).tolist()
    for (recipe, gold), g in zip(RECIPES, guesses):
        print(f"{gold:>8} | {CUISINES[g]:<8} | {recipe}")


if __name__ == "__main__":
    main()
