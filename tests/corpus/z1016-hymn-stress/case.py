# Stress tagger for hymnal lines: every syllable gets one of the metrical marks
# (unstressed / stressed / secondary / elided / caesura) so the meter can be checked
# against the tune index (8.6.8.6 common meter etc).
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

STRESS_MARKS = ["u", "S", "s", "e", "|"]

# syllabified lines, syllables separated by space, marks aligned one per syllable
HYMN_LINES = [
    ("a maz ing grace how sweet the sound", "u S u S u S u S"),
    ("that saved a wretch like me", "u S u S u S"),
    ("o god our help in a ges past", "u S u S u S u S"),
    ("our hope for years to come", "u S u S u S"),
    ("the lord s my shep herd i ll not want", "u S e u S u S e u S"),
    ("he makes me down to lie", "u S u S u S"),
    ("a bide with me fast falls the e ven tide", "u S u S S s u S u S"),
    ("the dark ness deep ens lord with me a bide", "u S u S u S u S u S"),
]


class StressVocab:
    def __init__(self, lineList):
        self.specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        self.syllables = sorted(set(s for line, _ in lineList for s in line.split()))
        self.markToId = dict((m, i) for i, m in enumerate(STRESS_MARKS))
        self.numClasses = len(STRESS_MARKS)
        self.vocabDir = tempfile.mkdtemp(prefix="hymnvocab_")
        self.vocabPath = os.path.join(self.vocabDir, "vocab.txt")

    def writeVocab(self):
        fh = open(self.vocabPath, "w")
        for tok in self.specialTokens + self.syllables:
            fh.write(tok + "\n")
        fh.close()
        return self.vocabPath


class StressTagger(nn.Module):
    def __init__(self, bertConfig, numClasses):
        super(StressTagger, self).__init__()
        self.encoder = BertModel(bertConfig, add_pooling_layer=False)
        self.dropOut = nn.Dropout(0.1)
        self.tagHead = nn.Linear(bertConfig.hidden_size, numClasses)

    def forward(self, tokenIds, attnMask):
        hiddenStates = self.encoder(input_ids=tokenIds, attention_mask=attnMask).last_hidden_state
        return self.tagHead(self.dropOut(hiddenStates))


def buildTargets(markStrings, markToId, padLen):
    # [CLS] and [SEP] and padding positions are ignored by the loss
    rows = []
    for markStr in markStrings:
        row = [-100] + [markToId[m] for m in markStr.split()] + [-100]
        row = row + [-100] * (padLen - len(row))
        rows.append(row)
    return torch.tensor(rows, dtype=torch.long)


def main():
    numEpochs = 3
    batchSize = 4
    learnRate = 3e-4

    # ---- vocab / tokenizer -------------------------------------------------
    vocabObj = StressVocab(HYMN_LINES)
    vocabPath = vocabObj.writeVocab()
    tokenizer = BertTokenizer(vocabPath)
    print("vocab written to %s (%d syllables, %d marks)" % (vocabPath, len(vocabObj.syllables), vocabObj.numClasses))

    # ---- model -------------------------------------------------------------
    bertConfig = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    tagger = StressTagger(bertConfig, vocabObj.numClasses)
    optimizer = torch.optim.AdamW(tagger.parameters(), lr=learnRate)
    lossFn = nn.CrossEntropyLoss(ignore_index=-100)
    print("tagger has %d parameters" % sum(p.numel() for p in tagger.parameters()))

    # ---- training ----------------------------------------------------------
    tagger.train()
    for epochNo in range(numEpochs):
        random.shuffle(HYMN_LINES)
        epochLoss = 0.0
        numSteps = 0
        for startIdx in range(0, len(HYMN_LINES), batchSize):
            chunk = HYMN_LINES[startIdx:startIdx + batchSize]
            lineTexts = [line for line, _ in chunk]
            markStrs = [marks for _, marks in chunk]
            encoded = tokenizer(lineTexts, padding=True, return_tensors="pt")
            padLen = encoded["input_ids"].shape[1]
            targetIds = buildTargets(markStrs, vocabObj.markToId, padLen)

            tagLogits = tagger(encoded["input_ids"], encoded["attention_mask"])
            stepLoss = lossFn(tagLogits, targetIds)

            optimizer.zero_grad()
            stepLoss.backward()
            optimizer.step()
            epochLoss += stepLoss.item()
            numSteps += 1
        print("epoch %d  mean loss %.4f" % (epochNo + 1, epochLoss / max(numSteps, 1)))

    # ---- quick check on a held out line -------------------------------------
    tagger.eval()
    probeLine = "when i sur vey the won drous cross"
    probeEnc = tokenizer([probeLine], return_tensors="pt")
    with torch.no_grad():
        probeLogits = tagger(probeEnc["input_ids"], probeEnc["attention_mask"])
    predMarks = [STRESS_MARKS[k] for k in probeLogits[0, 1:-1].argmax(-1).tolist()]
    print("%s -> %s" % (probeLine, " ".join(predMarks)))


if __name__ == "__main__":
    main()
