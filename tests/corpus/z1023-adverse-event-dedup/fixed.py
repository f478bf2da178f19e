# Duplicate detection for spontaneous adverse-event reports (pharmacovigilance).
# Bi-encoder on a tiny BERT, trained with CosineSimilarityLoss, 2-fold CV -> OOF similarity scores.
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

N_FOLDS = 2
MAX_SEQ_LEN = 32
BATCH_SIZE = 4

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

REPORTS = {
    "r1": dict(age="67", sex="female", drug="amiodarone", dose="200 mg daily",
               reaction="pulmonary toxicity", narrative="dry cough and dyspnoea after three months of therapy , "
               "chest imaging showed bilateral infiltrates , drug withdrawn and steroids started , patient recovering"),
    "r2": dict(age="67", sex="female", drug="amiodarone", dose="200 mg once daily",
               reaction="interstitial lung disease", narrative="reported by pharmacist , cough and breathlessness "
               "after three months , infiltrates on chest imaging , therapy stopped , steroids given , recovering"),
    "r3": dict(age="34", sex="male", drug="isotretinoin", dose="40 mg daily",
               reaction="depressed mood", narrative="low mood and insomnia in the second month of treatment , "
               "referred to psychiatry , drug discontinued , symptoms improved within weeks"),
    "r4": dict(age="81", sex="male", drug="apixaban", dose="5 mg twice daily",
               reaction="gastrointestinal haemorrhage", narrative="melaena and drop in haemoglobin after a fall at "
               "home , admitted , transfused two units , anticoagulant held , endoscopy showed gastric ulcer"),
    "r5": dict(age="81", sex="male", drug="apixaban", dose="5 mg bd",
               reaction="melaena", narrative="daughter reports black stools after a fall at home , admitted and "
               "transfused , anticoagulant held , gastric ulcer found at endoscopy"),
    "r6": dict(age="29", sex="female", drug="lamotrigine", dose="100 mg daily",
               reaction="rash", narrative="widespread maculopapular rash with fever after rapid dose titration , "
               "drug stopped immediately , no mucosal involvement , resolved without sequelae"),
}

PAIRS = [("r1", "r2", 1.0), ("r1", "r3", 0.0), ("r4", "r5", 1.0), ("r3", "r6", 0.0),
         ("r2", "r4", 0.0), ("r5", "r6", 0.0), ("r2", "r1", 1.0), ("r4", "r6", 0.0)]


def render_report(rec):
    return ("patient {age} year old {sex} , suspect drug {drug} {dose} , reaction {reaction} , "
            "narrative {narrative}").format(**rec)


def build_base_encoder():
    """Write vocab + randomly initialised tiny BERT to disk so sentence-transformers can load it."""
    outdir = tempfile.mkdtemp()
    words = sorted({w for rec in REPORTS.values() for w in render_report(rec).split()})
    with open(os.path.join(outdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(outdir, "vocab.txt"))
    tok.save_pretrained(outdir)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)
    BertModel(cfg).save_pretrained(outdir)
    return outdir


def fresh_bi_encoder(base_dir):
    word_emb = models.Transformer(base_dir, max_seq_length=MAX_SEQ_LEN)
    pool = models.Pooling(word_emb.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_emb, pool], device="cpu")


def to_examples(pairs):
    return [InputExample(texts=[render_report(REPORTS[a]), render_report(REPORTS[b])], label=y)
            for a, b, y in pairs]


def main():
    base_dir = build_base_encoder()
    oof_scores = []

    for fold in range(N_FOLDS):
        fit_pairs = [p for i, p in enumerate(PAIRS) if i % N_FOLDS != fold]
        hold_pairs = [p for i, p in enumerate(PAIRS) if i % N_FOLDS == fold]
        print(f"== fold {fold}: fit on {len(fit_pairs)} pairs, score {len(hold_pairs)} pairs")

        model = fresh_bi_encoder(base_dir)
        loader = DataLoader(to_examples(fit_pairs), batch_size=BATCH_SIZE, shuffle=True)
        objective = losses.CosineSimilarityLoss(model)
        model.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=0,
                      optimizer_params={"lr": 1e-3}, show_progress_bar=False)

        left = model.encode([render_report(REPORTS[a]) for a, _, _ in hold_pairs], convert_to_tensor=True)
        right = model.encode([render_report(REPORTS[b]) for _, b, _ in hold_pairs], convert_to_tensor=True)
        sims = torch.nn.functional.cosine_similarity(left, right).tolist()
        for (a, b, y), s in zip(hold_pairs, sims):
            print(f"   {a}-{b} gold={y:.0f} cos={s:.3f}")
        oof_scores.extend(sims)

    print("OOF cosine scores:", [round(s, 3) for s in oof_scores])


if __name__ == "__main__":
    main()
