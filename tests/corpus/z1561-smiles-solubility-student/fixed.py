import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(1)

BASE_ATOMS = ["C", "O", "N", "S", "F", "c", "n", "o", "(", ")", "=", "#", "1", "2"]
EXTRA_ATOMS = ["Cl", "Br", "[nH]"]

# space-separated SMILES fragments with a measured log-solubility
MOLECULES = [
    ("C C O", 1.10),
    ("C C ( = O ) O", 0.95),
    ("c 1 c c c c c 1 Cl", -2.40),
    ("C C ( = O ) N c 1 c c c c c 1", -1.05),
    ("c 1 c c [nH] c 1", -0.20),
    ("Br c 1 c c c c c 1", -2.55),
    ("O C C N", 0.85),
    ("Cl C ( Cl ) Cl", -1.17),
    ("C # N", 0.40),
    ("c 1 c c n c c 1 Br", -1.60),
]


def build_tokenizer(folder):
    path = os.path.join(folder, "smiles_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_ATOMS) + "\n")
    tok = BertTokenizer(path, do_lower_case=False)
    tok.add_tokens(EXTRA_ATOMS)
    return tok


def build_teacher(smiles_tok):
    cfg = BertConfig(
        vocab_size=smiles_tok.vocab_size, hidden_size=48, num_hidden_layers=3,
        num_attention_heads=4, intermediate_size=96, max_position_embeddings=64,
        num_labels=1,
    )
    teacher = BertForSequenceClassification(cfg)
    teacher.resize_token_embeddings(len(smiles_tok))
    return teacher


def build_student(smiles_tok, teacher_cfg):
    cfg = BertConfig(
        vocab_size=len(smiles_tok), hidden_size=24, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=48,
        max_position_embeddings=teacher_cfg.max_position_embeddings, num_labels=1,
    )
    return BertForSequenceClassification(cfg)


def fit_teacher(teacher, enc, solubility, steps=2):
    opt = torch.optim.Adam(teacher.parameters(), lr=1e-3)
    teacher.train()
    for _ in range(steps):
        pred = teacher(**enc).logits.squeeze(-1)
        loss = F.mse_loss(pred, solubility)
        opt.zero_grad()
        loss.backward()
        opt.step()
    teacher.eval()
    return loss.item()


def distill(student, teacher, enc, solubility, epochs=2, mix=0.7):
    with torch.no_grad():
        soft_targets = teacher(**enc).logits.squeeze(-1)
    opt = torch.optim.Adam(student.parameters(), lr=2e-3)
    student.train()
    history = []
    for _ in range(epochs):
        pred = student(**enc).logits.squeeze(-1)
        loss = mix * F.mse_loss(pred, soft_targets) + (1 - mix) * F.mse_loss(pred, solubility)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    return history


def main():
    tmp = tempfile.mkdtemp()
    smiles_tok = build_tokenizer(tmp)

    fragments = [smi for smi, _ in MOLECULES]
    solubility = torch.tensor([y for _, y in MOLECULES])
    enc = smiles_tok(fragments, padding=True, return_tensors="pt")

    teacher = build_teacher(smiles_tok)
    ckpt = os.path.join(tmp, "teacher.pt")
    print(f"teacher final mse: {fit_teacher(teacher, enc, solubility):.4f}")
    torch.save(teacher.state_dict(), ckpt)

    teacher = build_teacher(smiles_tok)
    teacher.load_state_dict(torch.load(ckpt))
    teacher.eval()

    student = build_student(smiles_tok, teacher.config)
    history = distill(student, teacher, enc, solubility)
    print("distill loss:", " ".join(f"{h:.3f}" for h in history))

    student.eval()
    with torch.no_grad():
        s_pred = student(**enc).logits.squeeze(-1)
        t_pred = teacher(**enc).logits.squeeze(-1)
    print(f"student/teacher agreement mse: {F.mse_loss(s_pred, t_pred).item():.4f}")
    ratio = sum(p.numel() for p in student.parameters()) / sum(p.numel() for p in teacher.parameters())
    print(f"student is {ratio:.1%} of teacher size")


if __name__ == "__main__":
    main()
