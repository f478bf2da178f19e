"""Short-answer grading by similarity to teacher-written reference answers.

Every science question has a handful of reference answers, each annotated with the
number of points it earns (0-2). A student answer gets a similarity-weighted vote of
the reference points; we report exact agreement and QWK against teacher grades.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from sklearn.metrics import cohen_kappa_score
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

QUESTIONS = {
    "Q_photosynthesis": {
        "references": [
            ("plants use light energy to turn carbon dioxide and water into glucose and oxygen", 2),
            ("plants make food from sunlight", 1),
            ("plants breathe in oxygen at night", 0),
        ],
        "students": [
            ("light energy turns water and carbon dioxide into glucose", 2),
            ("the plant makes its food with sunlight", 1),
            ("plants drink water from the soil", 0),
            ("glucose and oxygen are made using light energy", 2),
            ("sunlight helps plants grow", 1),
        ],
    },
    "Q_density": {
        "references": [
            ("the object floats because its density is lower than the density of water", 2),
            ("it floats because it is light", 1),
            ("it floats because it is big", 0),
            ("mass divided by volume is less than water so it floats", 2),
        ],
        "students": [
            ("its density is less than water so it floats", 2),
            ("because it is light it floats", 1),
            ("the object is big", 0),
            ("mass over volume is smaller than water", 2),
        ],
    },
}


def write_vocab(folder):
    words = set()
    for q in QUESTIONS.values():
        for text, _ in q["references"] + q["students"]:
            words.update(text.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(folder, "sag_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


class AnswerEncoder:
    def __init__(self, tokenizer, encoder):
        self.tokenizer = tokenizer
        self.encoder = encoder.eval()

    @torch.no_grad()
    def __call__(self, texts):
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1)


def similarity_scores(student_vecs, ref_vecs):
    student_vecs = F.normalize(student_vecs, dim=-1)
    ref_vecs = F.normalize(ref_vecs, dim=-1)
    return student_vecs @ ref_vecs


def vote(sims, ref_points, temperature=0.1):
    weights = torch.softmax(sims / temperature, dim=-1)
    expected = weights @ ref_points
    return expected.round().long().clamp(0, int(ref_points.max()))


def grade_question(qid, spec, embed):
    ref_texts = [t for t, _ in spec["references"]]
    ref_points = torch.tensor([p for _, p in spec["references"]], dtype=torch.float)
    stu_texts = [t for t, _ in spec["students"]]
    gold = [p for _, p in spec["students"]]

    ref_vecs = embed(ref_texts)
    stu_vecs = embed(stu_texts)
    sims = similarity_scores(stu_vecs, ref_vecs)
    best_ref = sims.argmax(dim=-1)
    predicted = vote(sims, ref_points)

    for text, g, p, r in zip(stu_texts, gold, predicted.tolist(), best_ref.tolist()):
        print(f"  [{qid}] gold={g} pred={p} closest_ref={r}  {text!r}")
    return gold, predicted.tolist()


def main():
    workdir = tempfile.mkdtemp(prefix="sag_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    embed = AnswerEncoder(tokenizer, BertModel(cfg))

    all_gold, all_pred = [], []
    for qid, spec in QUESTIONS.items():
        print(f"grading {qid}: {len(spec['students'])} answers vs {len(spec['references'])} references")
        gold, pred = grade_question(qid, spec, embed)
        all_gold += gold
        all_pred += pred

    exact = sum(g == p for g, p in zip(all_gold, all_pred)) / len(all_gold)
    qwk = cohen_kappa_score(all_gold, all_pred, weights="quadratic", labels=[0, 1, 2])
    print(f"exact agreement {exact:.2f}  QWK {qwk:.3f}")


if __name__ == "__main__":
    main()
